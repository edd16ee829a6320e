<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>About</name>
    <message>
        <location filename="../../app/tingxie/ui/first_start.py" line="82"/>
        <source>the server&apos;s</source>
        <translation>服务器的</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/first_start.py" line="84"/>
        <source>{0} (chosen; no model loaded yet)</source>
        <translation>{0}（已选择，尚未加载模型）</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/first_start.py" line="89"/>
        <source>beside each project or recording, as NAME{0}</source>
        <translation>在每个项目或录音旁边，文件名为 NAME{0}</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/first_start.py" line="92"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/first_start.py" line="93"/>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/first_start.py" line="94"/>
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/first_start.py" line="95"/>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/first_start.py" line="96"/>
        <source>Recovery files</source>
        <translation>恢复文件</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/first_start.py" line="100"/>
        <source>A transcription studio built on Qwen3-ASR.</source>
        <translation>基于 Qwen3-ASR 的转写工作室。</translation>
    </message>
</context>
<context>
    <name>AdaptDialog</name>
    <message>
        <location filename="../../app/tingxie/ui/adapt_dialog.py" line="112"/>
        <source>Adapt the model to my corrections</source>
        <extracomment>The user kept the adapter: (its folder, the base model it was made for). The estimate was shown or failed (for tests): the text shown. Training ended: &quot;done&quot;, &quot;cancelled&quot; or &quot;failed&quot;.</extracomment>
        <translation>让模型适应我的校对</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/adapt_dialog.py" line="148"/>
        <source>Adapting needs the Python packages peft and jiwer: install them with pip install &apos;tingxie[adapt]&apos; and restart Tingxie.</source>
        <extracomment>A project open in the window with changes not saved: its file lacks them.</extracomment>
        <translation>适配模型需要 Python 包 peft 和 jiwer：请用 pip install &apos;tingxie[adapt]&apos; 安装，然后重新启动听写。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/adapt_dialog.py" line="158"/>
        <source>Trains a small adapter on the segments you corrected, so the model learns your names, places and speakers. Only text a person edited is used; a tenth is held out to measure the result.</source>
        <translation>用您校对过的片段训练一个小型适配器，让模型学会您的人名、地名和说话人。只使用人工编辑过的文本；其中十分之一留作测量结果。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/adapt_dialog.py" line="165"/>
        <source>Add projects…</source>
        <translation>添加项目…</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/adapt_dialog.py" line="166"/>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/adapt_dialog.py" line="167"/>
        <location filename="../../app/tingxie/ui/adapt_dialog.py" line="385"/>
        <source>Add the projects whose corrections to learn from.</source>
        <translation>请添加要从中学习校对内容的项目。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/adapt_dialog.py" line="179"/>
        <source>None (stay close to the model itself)</source>
        <translation>无（贴近模型本身）</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/adapt_dialog.py" line="190"/>
        <source>A larger Qwen3-ASR on disk teaches the model its way of hearing (distillation); slower and needs more memory</source>
        <translation>用磁盘上更大的 Qwen3-ASR 教模型它的听法（蒸馏）；更慢，需要更多内存</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/adapt_dialog.py" line="195"/>
        <source>How many times training goes through the segments</source>
        <translation>训练遍历这些片段的次数</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/adapt_dialog.py" line="197"/>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/adapt_dialog.py" line="211"/>
        <source>Start</source>
        <translation>开始</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/adapt_dialog.py" line="213"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/adapt_dialog.py" line="214"/>
        <source>Keep and use it</source>
        <translation>保留并使用</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/adapt_dialog.py" line="215"/>
        <source>Discard</source>
        <translation>丢弃</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/adapt_dialog.py" line="216"/>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/adapt_dialog.py" line="229"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/adapt_dialog.py" line="230"/>
        <source>Teacher</source>
        <translation>教师模型</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/adapt_dialog.py" line="231"/>
        <source>Epochs</source>
        <translation>轮数</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/adapt_dialog.py" line="232"/>
        <source>Save to</source>
        <translation>保存到</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/adapt_dialog.py" line="294"/>
        <source>The unsaved changes to {0} are not included: only what was last saved is read.</source>
        <translation>{0} 中未保存的更改不包括在内：只读取上次保存的内容。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/adapt_dialog.py" line="330"/>
        <source>Choose projects with corrections</source>
        <translation>选择含有校对内容的项目</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/adapt_dialog.py" line="331"/>
        <source>Tingxie projects ({0})</source>
        <translation>听写项目（{0}）</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/adapt_dialog.py" line="347"/>
        <source>Choose a folder for the adapter</source>
        <translation>选择适配器的文件夹</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/adapt_dialog.py" line="388"/>
        <source>Reading the projects…</source>
        <translation>正在读取项目…</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/adapt_dialog.py" line="419"/>
        <source>{0} corrected segments ({1} min of audio) from {2} project(s); {3} held out to measure the result.</source>
        <translation>{2} 个项目中有 {0} 个校对过的片段（{1} 分钟音频）；其中 {3} 个留作测量结果。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/adapt_dialog.py" line="424"/>
        <source>Not used: {0} segment(s) ({1}).</source>
        <translation>未使用：{0} 个片段（{1}）。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/adapt_dialog.py" line="430"/>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/adapt_dialog.py" line="432"/>
        <source>Estimated time: about {0} on {1}. Memory: about {2} ({3} free).</source>
        <translation>预计时间：在 {1} 上约 {0}。内存：约 {2}（可用 {3}）。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/adapt_dialog.py" line="437"/>
        <source>Not enough memory: adapting needs about {0} and {1} is free. Close other programs, leave out the teacher, or train on a GPU.</source>
        <translation>内存不足：适配约需 {0}，可用 {1}。请关闭其他程序、不用教师模型，或在 GPU 上训练。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/adapt_dialog.py" line="457"/>
        <source>{0} already exists and is not empty: choose a new folder for the adapter.</source>
        <translation>{0} 已存在且不为空：请为适配器选择一个新文件夹。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/adapt_dialog.py" line="465"/>
        <location filename="../../app/tingxie/ui/adapt_dialog.py" line="467"/>
        <source>Starting…</source>
        <translation>正在开始…</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/adapt_dialog.py" line="491"/>
        <location filename="../../app/tingxie/ui/adapt_dialog.py" line="492"/>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/adapt_dialog.py" line="501"/>
        <source>Step {0} of {1} · loss {2}</source>
        <translation>第 {0} / {1} 步 · 损失 {2}</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/adapt_dialog.py" line="505"/>
        <source> · {0} left</source>
        <translation> · 剩余 {0}</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/adapt_dialog.py" line="506"/>
        <source>Training… {0}%</source>
        <translation>正在训练… {0}%</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/adapt_dialog.py" line="508"/>
        <source>Loading the model and the audio…</source>
        <translation>正在加载模型和音频…</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/adapt_dialog.py" line="510"/>
        <source>Measuring the error on the held-out segments…</source>
        <translation>正在测量留出片段上的错误率…</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/adapt_dialog.py" line="512"/>
        <source>Saving the adapter…</source>
        <translation>正在保存适配器…</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/adapt_dialog.py" line="514"/>
        <source>Training…</source>
        <translation>正在训练…</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/adapt_dialog.py" line="516"/>
        <location filename="../../app/tingxie/ui/adapt_dialog.py" line="543"/>
        <source>Done</source>
        <translation>完成</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/adapt_dialog.py" line="523"/>
        <source>Held-out error before adapting: {0}% ({1} on {2} segments)</source>
        <translation>适配前的留出错误率：{0}%（{1}，{2} 个片段）</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/adapt_dialog.py" line="535"/>
        <source>Saved to {0}. Keep it to use it for transcription, or discard it.</source>
        <translation>已保存到 {0}。保留它以用于转写，或将其丢弃。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/adapt_dialog.py" line="539"/>
        <source>The chosen folder could not take the adapter ({0}). {1}</source>
        <translation>所选文件夹无法保存该适配器（{0}）。{1}</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/adapt_dialog.py" line="546"/>
        <source>Cancelled: nothing was saved.</source>
        <translation>已取消：没有保存任何内容。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/adapt_dialog.py" line="553"/>
        <source>Adapting failed.</source>
        <translation>适配失败。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/adapt_dialog.py" line="564"/>
        <source>The held-out error was not measured.</source>
        <translation>未测量留出错误率。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/adapt_dialog.py" line="565"/>
        <source>held-out error {0}% → {1}% on {2} segments</source>
        <translation>留出错误率 {0}% → {1}%（{2} 个片段）</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/adapt_dialog.py" line="587"/>
        <source>Discarded {0}.</source>
        <translation>已丢弃 {0}。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/adapt_dialog.py" line="671"/>
        <source>Unsaved corrections</source>
        <translation>未保存的更正</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/adapt_dialog.py" line="672"/>
        <source>Save the project first so that your latest corrections are used?</source>
        <translation>先保存项目，以便使用您最新的更正吗？</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/adapt_dialog.py" line="704"/>
        <source>Using the adapter {0}</source>
        <translation>正在使用适配器 {0}</translation>
    </message>
</context>
<context>
    <name>AdapterCombo</name>
    <message>
        <location filename="../../app/tingxie/ui/adapter_combo.py" line="47"/>
        <source>Adapter</source>
        <extracomment>Adapter folders chosen with Folder… or remembered for a model (outside the adapters folder): listed as well while the window is open.</extracomment>
        <translation>适配器</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/adapter_combo.py" line="55"/>
        <source>A small adapter trained on your corrections (Model &gt; Adapt to my corrections…); it is merged into the model when it loads</source>
        <translation>用您的校对训练的小型适配器（模型 &gt; 适应我的校对…）；加载时合并进模型</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/adapter_combo.py" line="58"/>
        <source>Folder…</source>
        <translation>文件夹…</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/adapter_combo.py" line="59"/>
        <source>Use an adapter folder made by tingxie adapt</source>
        <translation>使用由 tingxie adapt 生成的适配器文件夹</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/adapter_combo.py" line="74"/>
        <source>None</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/adapter_combo.py" line="176"/>
        <source>{0} · {1}% → {2}%</source>
        <translation>{0} · {1}% → {2}%</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/adapter_combo.py" line="180"/>
        <source>{0}
made for {1} from {2} segments ({3} min); {4}</source>
        <translation>{0}
为 {1} 制作，来自 {2} 个片段（{3} 分钟）；{4}</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/adapter_combo.py" line="224"/>
        <source>Choose an adapter folder</source>
        <translation>选择适配器文件夹</translation>
    </message>
</context>
<context>
    <name>AlternativesPopup</name>
    <message>
        <location filename="../../app/tingxie/ui/word_review.py" line="94"/>
        <source>Type to replace · Enter keeps · Esc leaves</source>
        <extracomment>Seconds played before and after the word under review. An alternative (1-5) was picked, or a typed text entered: the new text. Enter on an empty line: the word is right. Esc: leave the pass.</extracomment>
        <translation>输入以替换 · 回车保留 · Esc 退出</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/word_review.py" line="111"/>
        <source>(no alternatives)</source>
        <translation>（没有候选词）</translation>
    </message>
</context>
<context>
    <name>Autosaver</name>
    <message>
        <location filename="../../app/tingxie/ui/autosave.py" line="278"/>
        <source>Another Tingxie window is autosaving {name}: this window&apos;s changes are not autosaved while it has it open.</source>
        <extracomment>Quiet time after the last change before the recovery file is written. An empty or unreadable lock older than this (seconds) is a crash&apos;s (a power cut can leave a lock file just made empty); a younger one may be a window writing it right now. A recovery file was written (its path), for tests and the status bar. Writing it failed: the message. Another session&apos;s recovery file, never offered here, was renamed aside before this window&apos;s autosave was written in its place: (the project path it was for, where it is now). The audio fingerprint of the work last autosaved, so that discarding removes only its own recovery file. The project path whose recovery file this session wrote last (or restored). This window&apos;s mark in the recovery files it writes: a save or a discard here removes only those, never another window&apos;s autosave of the same project. ``current`` was restored from a crashed session&apos;s file, not yet written here: it is this work&apos;s all the same, and goes when the work is saved or thrown away. The lock held on ``current``&apos;s recovery file (:func:`in_use_elsewhere`), and the project path it is for.</extracomment>
        <translation>另一个 Tingxie 窗口正在自动保存 {name}：在它打开期间，此窗口的更改不会自动保存。</translation>
    </message>
</context>
<context>
    <name>ContextBox</name>
    <message>
        <location filename="../../app/tingxie/ui/context_box.py" line="36"/>
        <source>Names, places, jargon and the topic, e.g.
Interview with 张伟 about 新能源汽车</source>
        <translation>人名、地名、专业术语和主题，例如：
采访张伟，谈新能源汽车</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/context_box.py" line="40"/>
        <source>Text that helps the model spell names and terms it would otherwise guess</source>
        <translation>帮助模型准确写出人名和术语，避免其自行猜测</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/context_box.py" line="46"/>
        <source>Snippets</source>
        <translation>预设</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/context_box.py" line="47"/>
        <source>Save this context for later, or insert a saved one</source>
        <translation>保存此上下文以备后用，或插入已保存的上下文</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/context_box.py" line="107"/>
        <source>Save current text as snippet</source>
        <translation>将当前文本存为预设</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/context_box.py" line="111"/>
        <source>No saved snippets</source>
        <translation>暂无已保存的预设</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/context_box.py" line="114"/>
        <source>Delete snippet</source>
        <translation>删除预设</translation>
    </message>
</context>
<context>
    <name>DeviceComboBox</name>
    <message>
        <location filename="../../app/tingxie/ui/device_combo.py" line="120"/>
        <source>Auto (detecting…)</source>
        <translation>自动（检测中…）</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/device_combo.py" line="121"/>
        <source>Looking for a GPU…</source>
        <translation>正在查找 GPU…</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/device_combo.py" line="123"/>
        <source>Could not detect the devices: {0}</source>
        <translation>无法检测设备：{0}</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/device_combo.py" line="124"/>
        <source>Auto (detection failed)</source>
        <translation>自动（检测失败）</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/device_combo.py" line="125"/>
        <source>CPU</source>
        <translation>CPU</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/device_combo.py" line="126"/>
        <source>CUDA (NVIDIA GPU)</source>
        <translation>CUDA（NVIDIA GPU）</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/device_combo.py" line="127"/>
        <source>MPS (Apple GPU)</source>
        <translation>MPS（Apple GPU）</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/device_combo.py" line="131"/>
        <source>Auto (CUDA: {0})</source>
        <translation>自动（CUDA：{0}）</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/device_combo.py" line="133"/>
        <source>Auto (MPS, {0})</source>
        <translation>自动（MPS，{0}）</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/device_combo.py" line="135"/>
        <source>Auto (CPU, {0})</source>
        <translation>自动（CPU，{0}）</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/device_combo.py" line="136"/>
        <source>The fastest device this computer has</source>
        <translation>本机上最快的设备</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/device_combo.py" line="137"/>
        <source>CPU ({0})</source>
        <translation>CPU（{0}）</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/device_combo.py" line="140"/>
        <source> (+{0} more)</source>
        <translation>（另有 {0} 个）</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/device_combo.py" line="146"/>
        <source>CUDA: {0}</source>
        <translation>CUDA：{0}</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/device_combo.py" line="147"/>
        <source>NVIDIA GPU, {0}</source>
        <translation>NVIDIA GPU，{0}</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/device_combo.py" line="152"/>
        <source>CUDA (not available)</source>
        <translation>CUDA（不可用）</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/device_combo.py" line="153"/>
        <source>PyTorch sees no CUDA GPU on this computer.</source>
        <translation>PyTorch 未在本机上检测到 CUDA GPU。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/device_combo.py" line="157"/>
        <source>MPS: Apple GPU (Metal)</source>
        <translation>MPS：Apple GPU（Metal）</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/device_combo.py" line="157"/>
        <source>Apple GPU, float16</source>
        <translation>Apple GPU，float16</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/device_combo.py" line="161"/>
        <source>MPS (not available)</source>
        <translation>MPS（不可用）</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/device_combo.py" line="162"/>
        <source>Apple&apos;s Metal GPU (MPS) is only available on Macs with Apple silicon.</source>
        <translation>Apple 的 Metal GPU（MPS）仅适用于搭载 Apple 芯片的 Mac。</translation>
    </message>
</context>
<context>
    <name>DocumentOpener</name>
    <message>
        <location filename="../../app/tingxie/ui/opening.py" line="87"/>
        <source>Media and projects ({patterns});;All files (*)</source>
        <extracomment>Work restored from a crash, for the open of its recording: the project path whose recovery file holds it, the project file it belongs to (``None`` for a recording never saved as a project) and the project read from the recovery file. The answers to &quot;Recover unsaved changes?&quot; (:meth:`DocumentOpener.ask_recovery`). Set when the user chose to throw away the open document&apos;s unsaved changes: its recovery file goes only once another file has really opened. The project path whose recovery file the startup prompt is restoring. Recovery offers that wait for the file opening to open (the startup prompt meets a file given on the command line, or the others after one was restored): once it has, they are named, or offered if nothing opened. ``None``: nothing waits. Whether :meth:`_kept_aside` hears the window&apos;s autosaver (made after this).</extracomment>
        <translation>媒体和项目 ({patterns});;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/opening.py" line="94"/>
        <source>Open media or project</source>
        <translation>打开媒体或项目</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/opening.py" line="134"/>
        <source>Opening {name}…</source>
        <translation>正在打开 {name}…</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/opening.py" line="163"/>
        <source>Transcription running</source>
        <translation>转写正在进行</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/opening.py" line="164"/>
        <source>{name} is being transcribed. Stop the transcription and open {new}? What it transcribed so far is kept.</source>
        <translation>正在转写 {name}。要停止转写并打开 {new} 吗？已转写的内容会保留。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/opening.py" line="199"/>
        <source>Unsaved changes</source>
        <translation>未保存的更改</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/opening.py" line="190"/>
        <source>Save the changes to {name} first?</source>
        <translation>是否先保存对 {name} 的更改？</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/opening.py" line="224"/>
        <source>Damaged file</source>
        <translation>文件已损坏</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/opening.py" line="225"/>
        <source>{problem}

Open the part that could be read ({length})?</source>
        <translation>{problem}

是否打开可读取的部分（{length}）？</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/opening.py" line="238"/>
        <location filename="../../app/tingxie/ui/opening.py" line="247"/>
        <location filename="../../app/tingxie/ui/opening.py" line="361"/>
        <source>Audio changed</source>
        <translation>音频已更改</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/opening.py" line="239"/>
        <source>{audio} is there, but it has changed since the transcript was made (edited, trimmed or retagged?): the lines may no longer match its sound.

Use it anyway?</source>
        <translation>{audio} 仍在，但自转写以来已被更改（编辑、剪裁或改了标签？）：各行可能与其声音不再对应。

仍要使用它吗？</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/opening.py" line="248"/>
        <source>Locate the recording the transcript was made on?</source>
        <translation>要找到转写所用的那段录音吗？</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/opening.py" line="251"/>
        <location filename="../../app/tingxie/ui/opening.py" line="453"/>
        <source>Audio not found</source>
        <translation>找不到音频</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/opening.py" line="252"/>
        <source>{problem}

Locate the audio file now?</source>
        <translation>{problem}

是否立即查找该音频文件？</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/opening.py" line="255"/>
        <location filename="../../app/tingxie/ui/opening.py" line="459"/>
        <source>Locate the audio</source>
        <translation>查找音频文件</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/opening.py" line="263"/>
        <source>Could not open {name}</source>
        <translation>无法打开 {name}</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/opening.py" line="269"/>
        <source>The file was not found.</source>
        <translation>找不到该文件。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/opening.py" line="553"/>
        <source>Unsaved work from an earlier session</source>
        <translation>上次会话未保存的工作</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/opening.py" line="554"/>
        <source>Tingxie did not close properly, and there are unsaved changes (autosaved) to: {names}.

They are kept: open that file to restore them, or they are offered again the next time Tingxie starts.</source>
        <translation>听写上次未正常关闭，以下文件有未保存的更改（已自动保存）：{names}。

这些更改都已保留：打开该文件即可恢复，或在下次启动听写时再次提供恢复。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/opening.py" line="271"/>
        <source>The file has no sound in it.</source>
        <translation>该文件中没有声音。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/opening.py" line="195"/>
        <source>The re-transcription of {ranges}, kept for Redo, is not among them: choose Cancel, then Redo, to apply it first.</source>
        <translation>为重做而保留的 {ranges} 的重新转写不在其中：请选择“取消”，再点“重做”，先把它应用上。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/opening.py" line="272"/>
        <source>This is not an audio or video file Tingxie can read.</source>
        <translation>这不是听写能读取的音频或视频文件。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/opening.py" line="274"/>
        <source>The file is damaged.</source>
        <translation>该文件已损坏。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/opening.py" line="275"/>
        <source>A newer Tingxie made this project: update Tingxie to open it.</source>
        <translation>此项目由更新版本的听写创建：请更新听写后再打开。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/opening.py" line="277"/>
        <source>This project file cannot be read.</source>
        <translation>无法读取此项目文件。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/opening.py" line="278"/>
        <source>Tingxie may not read this file.</source>
        <translation>听写没有读取此文件的权限。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/opening.py" line="279"/>
        <source>The file could not be read.</source>
        <translation>无法读取该文件。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/opening.py" line="296"/>
        <source>Not opened: the autosaved changes of {name} are kept. Open it again to restore or discard them.</source>
        <translation>未打开：{name} 自动保存的更改已保留。再次打开它即可恢复或丢弃这些更改。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/opening.py" line="311"/>
        <source>Not restored: the autosaved changes of {name} are kept and offered again at the next start.</source>
        <translation>未恢复：{name} 自动保存的更改已保留，下次启动时会再次提供恢复。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/opening.py" line="348"/>
        <source>Opened {name}</source>
        <translation>已打开 {name}</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/opening.py" line="349"/>
        <source>Another Tingxie window has unsaved changes to {name}. This window shows it as last saved; the other window&apos;s changes and their autosave are left to that window.</source>
        <translation>另一个 Tingxie 窗口有 {name} 的未保存更改。此窗口显示的是上次保存的版本；另一个窗口的更改及其自动保存留给那个窗口处理。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/opening.py" line="362"/>
        <source>{audio} has changed since the work on {name} was autosaved (edited, trimmed or retagged?): the lines may no longer match its sound.

Use it anyway?</source>
        <translation>自 {name} 的工作自动保存以来，{audio} 已被更改（编辑、剪裁或改了标签？）：各行可能与其声音不再对应。

仍要使用它吗？</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/opening.py" line="366"/>
        <source>Another recording</source>
        <translation>另一段录音</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/opening.py" line="367"/>
        <source>{audio} is not the recording the work on {name} was made on (its contents differ): the lines may not match its sound.

Use it anyway?</source>
        <translation>{audio} 不是 {name} 的工作所用的录音（内容不同）：各行可能与其声音不对应。

仍要使用它吗？</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/opening.py" line="404"/>
        <source>{name} was saved again after these changes were autosaved (in another window or program). If you restore them, saving asks before replacing that newer version.</source>
        <translation>这些更改自动保存之后，{name} 又被保存过（在另一个窗口或程序中）。如果恢复这些更改，保存时会先询问是否替换那个较新的版本。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/opening.py" line="411"/>
        <source>Autosave kept</source>
        <translation>已保留自动保存</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/opening.py" line="412"/>
        <source>{name} had unsaved changes autosaved by another session that were not offered here. So that this window&apos;s autosave does not replace them, they were kept as {file}: open that file to see them.</source>
        <translation>{name} 有另一个会话自动保存的未保存更改，此处未曾提供恢复。为免被本窗口的自动保存替换，它们已保留为 {file}：打开该文件即可查看。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/opening.py" line="422"/>
        <source>Recover unsaved changes?</source>
        <translation>恢复未保存的更改？</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/opening.py" line="383"/>
        <source>{name} has unsaved changes from an earlier session (autosaved). Restore them?</source>
        <translation>{name} 有上次会话中未保存的更改（已自动保存）。是否恢复？</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/opening.py" line="270"/>
        <source>The file is empty, or too short to hold speech.</source>
        <translation>文件为空，或太短，容不下语音。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/opening.py" line="425"/>
        <source>Later keeps the autosave and asks again the next time.</source>
        <translation>选择“稍后”会保留自动保存，下次再询问。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/opening.py" line="426"/>
        <source>Restore</source>
        <translation>恢复</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/opening.py" line="427"/>
        <source>Discard…</source>
        <translation>丢弃…</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/opening.py" line="428"/>
        <source>Later</source>
        <translation>稍后</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/opening.py" line="439"/>
        <source>Discard autosaved changes</source>
        <translation>丢弃自动保存的更改</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/opening.py" line="440"/>
        <source>Delete the autosaved changes to {name}? They cannot be brought back.</source>
        <translation>删除 {name} 自动保存的更改？删除后无法找回。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/opening.py" line="454"/>
        <source>The audio file of {name} was not found where it was (moved or renamed?). The autosave is kept in {file}.

Locate the audio file now?</source>
        <translation>在原位置找不到 {name} 的音频文件（已移动或重命名？）。自动保存保留在 {file}。

现在查找音频文件吗？</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/opening.py" line="476"/>
        <source>Tingxie did not close properly. {name} has unsaved changes (autosaved). Restore them?</source>
        <translation>听写上次没有正常关闭。{name} 有未保存的更改（已自动保存）。要恢复吗？</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/opening.py" line="499"/>
        <source>Could not restore {name}</source>
        <translation>无法恢复 {name}</translation>
    </message>
</context>
<context>
    <name>DocumentRuns</name>
    <message>
        <location filename="../../app/tingxie/ui/runs.py" line="75"/>
        <source>Nothing to transcribe</source>
        <translation>没有可转写的内容</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/runs.py" line="76"/>
        <source>Open an audio or video file first (File &gt; Open).</source>
        <translation>请先打开音频或视频文件（文件 &gt; 打开）。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/runs.py" line="79"/>
        <source>A transcription is already running.</source>
        <translation>已有转写任务正在运行。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/runs.py" line="87"/>
        <source>Select adjacent lines to re-transcribe them: the lines between them ({lines}) are not selected.</source>
        <translation>请选择相邻的行来重新转写：它们之间的行（{lines}）没有被选中。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/runs.py" line="96"/>
        <source>The transcript already reaches the end of the file.</source>
        <translation>转写稿已到达文件末尾。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/runs.py" line="99"/>
        <source>Replace the transcript?</source>
        <translation>替换转写文本？</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/runs.py" line="100"/>
        <source>Transcribing the whole file replaces the current transcript (Edit &gt; Undo brings it back). Go on?</source>
        <translation>转写整个文件会替换当前转写稿（可用“编辑 &gt; 撤销”恢复）。继续吗？</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/runs.py" line="108"/>
        <source>Cannot transcribe</source>
        <translation>无法转写</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/runs.py" line="138"/>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/runs.py" line="147"/>
        <source>Loading model {model}…</source>
        <translation>正在加载模型 {model}…</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/runs.py" line="152"/>
        <source>Model on {0}</source>
        <translation>模型运行于 {0}</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/runs.py" line="176"/>
        <source>The running transcription keeps the language and context it started with; your change applies to the next run.</source>
        <translation>正在进行的转写保持开始时的语言和上下文；您的更改将用于下一次转写。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/runs.py" line="200"/>
        <source>Cancelled; kept {n} segments.</source>
        <translation>已取消；保留了 {n} 个片段。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/runs.py" line="202"/>
        <source>The re-transcription of {start}–{end} is kept: the transcript was undone meanwhile. Redo applies it; an edit now applies it over the lines left as they were.</source>
        <translation>{start}–{end} 的重新转写已保留：其间转写稿被撤销了。重做即可应用它；现在进行一次编辑，则会把它应用到未被改动的各行上。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/runs.py" line="209"/>
        <source>No speech was found in the recording.</source>
        <translation>录音中没有找到语音。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/runs.py" line="210"/>
        <source>No speech was found between {start} and {end}.</source>
        <translation>在 {start} 到 {end} 之间没有找到语音。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/runs.py" line="213"/>
        <source>Transcription finished: {n} segments. Lines edited meanwhile were kept as they are: {lines}.</source>
        <translation>转写完成：{n} 个片段。期间编辑过的行保持原样：{lines}。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/runs.py" line="217"/>
        <source>Transcription finished: {n} segments.</source>
        <translation>转写完成：共 {n} 个片段。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/runs.py" line="222"/>
        <source>Cancelled after {time}</source>
        <translation>已在 {time} 后取消</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/runs.py" line="224"/>
        <source>No speech found ({time})</source>
        <translation>未找到语音（{time}）</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/runs.py" line="226"/>
        <source>Done in {time}</source>
        <translation>完成，用时 {time}</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/runs.py" line="230"/>
        <source>The re-transcription of {start}–{end} was not applied: every line there was changed meanwhile and stays as it is.</source>
        <translation>{start}–{end} 的重新转写未应用：其间那里的每一行都被改动过，保持原样。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/runs.py" line="240"/>
        <source>The re-transcription of {start}–{end} is applied. Lines changed meanwhile were kept as they are: {lines}.</source>
        <translation>{start}–{end} 的重新转写已应用。其间改动过的行保持原样：{lines}。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/runs.py" line="245"/>
        <source>The re-transcription of {start}–{end} is applied.</source>
        <translation>{start}–{end} 的重新转写已应用。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/runs.py" line="257"/>
        <source>Failed after {time}</source>
        <translation>已在 {time} 后失败</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/runs.py" line="259"/>
        <source>Transcription failed</source>
        <translation>转写失败</translation>
    </message>
</context>
<context>
    <name>DropHint</name>
    <message>
        <location filename="../../app/tingxie/ui/first_start.py" line="37"/>
        <source>Open or drop a recording or video</source>
        <translation>打开或拖入录音或视频</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/first_start.py" line="38"/>
        <source>Click to open a file, or drop one here</source>
        <translation>点击打开文件，或将文件拖到这里</translation>
    </message>
</context>
<context>
    <name>EditCommands</name>
    <message>
        <location filename="../../app/tingxie/ui/editing.py" line="95"/>
        <location filename="../../app/tingxie/ui/editing.py" line="114"/>
        <location filename="../../app/tingxie/ui/editing.py" line="452"/>
        <location filename="../../app/tingxie/ui/editing.py" line="466"/>
        <source>Select a segment first.</source>
        <extracomment>Step of the keyboard nudges of a segment&apos;s start or end, in seconds. Length of a segment inserted at the playhead, when there is room. A message for the status bar (an edit that could not be made, what was done). The line a playhead key just timed, kept selected while following playback. Calls off a Replace all still being worked out (the find bar&apos;s), whether there was one: Undo or Redo then takes that replace back, not the step before it.</extracomment>
        <translation>请先选择一个片段。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/editing.py" line="156"/>
        <source>Your typing in the line is kept as the newest change, so there is nothing to redo now.</source>
        <translation>您在该行中输入的内容已作为最新的更改保留，因此现在没有可重做的操作。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/editing.py" line="182"/>
        <source>Select the lines to shift first.</source>
        <translation>请先选择要平移的行。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/editing.py" line="188"/>
        <source>The lines cannot move that way: the audio, or a line that stays, is in the way.</source>
        <translation>这些行无法朝该方向移动：音频边界或未移动的行挡住了。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/editing.py" line="189"/>
        <source>Nothing to shift: 0 s.</source>
        <translation>无需平移：0 秒。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/editing.py" line="193"/>
        <source>Shifted by {seconds:+.3f} s (lines: {n}).</source>
        <translation>已平移 {seconds:+.3f} 秒（共 {n} 行）。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/editing.py" line="196"/>
        <source>That is as far as the audio and the lines that stay allow.</source>
        <translation>这已是音频和未移动的行所允许的最大范围。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/editing.py" line="206"/>
        <source>A line picked for the sync is gone: pick it again.</source>
        <translation>为同步选定的一行已不存在：请重新选择。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/editing.py" line="211"/>
        <source>The lines cannot be synced that way now: pick the times again.</source>
        <translation>现在无法按这种方式同步这些行：请重新选择时间。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/editing.py" line="215"/>
        <source>Sync by two lines</source>
        <translation>按两行同步</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/editing.py" line="219"/>
        <source>Synced (lines: {n}): line {a} starts at {ta}, line {b} at {tb}.</source>
        <translation>已同步（行数：{n}）：第 {a} 行从 {ta} 开始，第 {b} 行从 {tb} 开始。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/editing.py" line="245"/>
        <source>Put the cursor inside the text to split a segment.</source>
        <translation>请把光标放在文字中间，再拆分片段。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/editing.py" line="272"/>
        <source>There is no previous segment to merge with.</source>
        <translation>前面没有可合并的片段。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/editing.py" line="284"/>
        <source>Move the start</source>
        <translation>移动开始时间</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/editing.py" line="285"/>
        <source>Move the end</source>
        <translation>移动结束时间</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/editing.py" line="287"/>
        <source>That edge cannot move further.</source>
        <translation>这一端无法再移动了。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/editing.py" line="300"/>
        <source>Start at the playhead</source>
        <translation>开始于播放头</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/editing.py" line="300"/>
        <source>End at the playhead</source>
        <translation>结束于播放头</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/editing.py" line="311"/>
        <source>Line {n} now starts at {time}.</source>
        <translation>第 {n} 行现在从 {time} 开始。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/editing.py" line="312"/>
        <source>Line {n} now ends at {time}.</source>
        <translation>第 {n} 行现在在 {time} 结束。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/editing.py" line="315"/>
        <source>It kept its length and moved there.</source>
        <translation>它保持时长，整体移到了那里。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/editing.py" line="317"/>
        <source>It moved there, shortened to {length:.3f} s by what comes next (a line, or the end of the audio).</source>
        <translation>它移到了那里，因后面的内容（下一行或音频结尾）缩短为 {length:.3f} 秒。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/editing.py" line="321"/>
        <source>The line before now ends there.</source>
        <translation>上一行现在在那里结束。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/editing.py" line="322"/>
        <source>The next line now starts there.</source>
        <translation>下一行现在从那里开始。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/editing.py" line="334"/>
        <source>The playhead is not after the line&apos;s start.</source>
        <translation>播放头不在该行开始之后。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/editing.py" line="338"/>
        <source>End here, start the next line</source>
        <translation>在此结束，下一行在此开始</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/editing.py" line="344"/>
        <source>Line {n} now ends at {time}: it is the last line.</source>
        <translation>第 {n} 行现在在 {time} 结束：这是最后一行。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/editing.py" line="350"/>
        <source>Line {n} now ends at {time}; line {m} starts there.</source>
        <translation>第 {n} 行现在在 {time} 结束；第 {m} 行从那里开始。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/editing.py" line="403"/>
        <source>The playhead is before the line before this one: select the line to time, or play to where it starts.</source>
        <translation>播放头在上一行之前：请选中要定时的行，或播放到它开始的位置。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/editing.py" line="406"/>
        <source>The playhead is past the next line: select the line to time, or play to where it ends.</source>
        <translation>播放头已越过下一行：请选中要定时的行，或播放到它结束的位置。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/editing.py" line="409"/>
        <source>The playhead is at the very start of the line before: there is no room to trim it.</source>
        <translation>播放头紧挨上一行的开头：没有余地把它截短。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/editing.py" line="412"/>
        <source>The playhead is at the very end of the next line: there is no room to trim it.</source>
        <translation>播放头紧挨下一行的结尾：没有余地把它截短。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/editing.py" line="414"/>
        <source>There is no room for the line at the playhead.</source>
        <translation>播放头处没有放下这一行的空间。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/editing.py" line="422"/>
        <source>The playhead is inside a segment: split it instead.</source>
        <translation>播放头位于某个片段之内：请改为拆分该片段。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/editing.py" line="432"/>
        <source>There is no room for a segment at the playhead.</source>
        <translation>播放头处没有空间插入片段。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/editing.py" line="456"/>
        <source>Delete {n} segments</source>
        <translation>删除 {n} 个片段</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/editing.py" line="475"/>
        <source>No change: no speaker is set there.</source>
        <translation>未更改：该处没有设置说话人。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/editing.py" line="476"/>
        <source>No change: {name} is the speaker there already.</source>
        <translation>未更改：该处的说话人已经是 {name}。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/editing.py" line="486"/>
        <source>Speaker {n}</source>
        <translation>说话人 {n}</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/editing.py" line="493"/>
        <source>Set speaker</source>
        <translation>设置说话人</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/editing.py" line="509"/>
        <source>No segment is below {p:.0%} confidence.</source>
        <translation>没有置信度低于 {p:.0%} 的片段。</translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <location filename="../../app/tingxie/ui/export_dialog.py" line="75"/>
        <source>“{path}” is a folder. Choose a file name to export to.</source>
        <extracomment>How many projects&apos; last exports are remembered for Export again.</extracomment>
        <translation>“{path}”是一个文件夹。请选择要导出到的文件名。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/export_dialog.py" line="83"/>
        <source>“{path}” names a folder, and there is none: make it first, or name the file in it.</source>
        <translation>“{path}”指的是一个文件夹，但它不存在：请先创建它，或写出其中的文件名。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/export_dialog.py" line="115"/>
        <location filename="../../app/tingxie/ui/export_dialog.py" line="164"/>
        <location filename="../../app/tingxie/ui/export_dialog.py" line="287"/>
        <location filename="../../app/tingxie/ui/export_dialog.py" line="291"/>
        <location filename="../../app/tingxie/ui/export_dialog.py" line="295"/>
        <location filename="../../app/tingxie/ui/export_dialog.py" line="299"/>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/export_dialog.py" line="122"/>
        <source>Format</source>
        <translation>格式</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/export_dialog.py" line="125"/>
        <source>Subtitle rules</source>
        <translation>字幕规则</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/export_dialog.py" line="126"/>
        <source>Custom rules</source>
        <translation>自定义规则</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/export_dialog.py" line="132"/>
        <source>Speaker names</source>
        <translation>说话人姓名</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/export_dialog.py" line="134"/>
        <source>Word timestamps (karaoke)</source>
        <translation>逐词时间戳（卡拉 OK）</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/export_dialog.py" line="137"/>
        <source>None</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/export_dialog.py" line="137"/>
        <source>At each speaker turn</source>
        <translation>每次换人说话时</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/export_dialog.py" line="138"/>
        <source>At each segment</source>
        <translation>每个片段</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/export_dialog.py" line="139"/>
        <source>Every N seconds</source>
        <translation>每隔 N 秒</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/export_dialog.py" line="144"/>
        <source> s</source>
        <translation> 秒</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/export_dialog.py" line="148"/>
        <source>Timestamps</source>
        <translation>时间戳</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/export_dialog.py" line="152"/>
        <source>Title</source>
        <translation>标题</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/export_dialog.py" line="156"/>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/export_dialog.py" line="161"/>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/export_dialog.py" line="275"/>
        <source>Export to</source>
        <translation>导出到</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/export_dialog.py" line="291"/>
        <source>Choose a file to export to.</source>
        <translation>请选择要导出到的文件。</translation>
    </message>
</context>
<context>
    <name>Exporter</name>
    <message>
        <location filename="../../app/tingxie/ui/export_dialog.py" line="336"/>
        <source>Open a recording or a project first.</source>
        <extracomment>A file was written: its path. An export failed: the message shown. The saved export settings changed (the custom preset, the choices per format, the subtitle preset): what the subtitle check measures by.</extracomment>
        <translation>请先打开录音或项目。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/export_dialog.py" line="391"/>
        <source>There are no lines to export yet: transcribe the recording (or add a line) first.</source>
        <translation>还没有可导出的字幕行：请先转写录音（或添加一行）。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/export_dialog.py" line="424"/>
        <source>Replace the file?</source>
        <translation>替换文件？</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/export_dialog.py" line="425"/>
        <source>“{name}” already exists in {folder}. Replace it?</source>
        <translation>“{name}”已存在于 {folder}。要替换它吗？</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/export_dialog.py" line="442"/>
        <source>Exported {name}</source>
        <translation>已导出 {name}</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/export_dialog.py" line="445"/>
        <source>({n} characters the format cannot hold were removed or replaced.)</source>
        <translation>（该格式无法容纳的 {n} 个字符已被删除或替换。）</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/export_dialog.py" line="450"/>
        <source>Exporting {name}…</source>
        <translation>正在导出 {name}…</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/export_dialog.py" line="476"/>
        <source>Could not export</source>
        <translation>无法导出</translation>
    </message>
</context>
<context>
    <name>FindBar</name>
    <message>
        <location filename="../../app/tingxie/ui/find_bar.py" line="104"/>
        <source>Find</source>
        <extracomment>Lines a Replace all gives new words on the UI thread (about 0.3 ms each); when more change, their words are worked out on another thread first (:meth:`FindReplace.prepare`). Where its first replacement was: (segment id, offset in the line&apos;s text). The undo stack&apos;s index after its last replacement (any other step ends the run). It went past the last match on to the first. The segment with the next match: (segment id). The match shown, to highlight: (segment id, start, end) in its text; (-1, 0, 0): none. A message for the status bar. Replace all is about to run (an open text editor should commit first). The bar is closing (Esc, ×): the transcript takes the keys again. A Replace all whose new words were worked out in the background has ended: its step was made (or could not be); :meth:`replacing` is false again. Where a Replace all across many lines works out their new words. The Replace all whose new words are being worked out, if any. The undo stack&apos;s index when it began: an Undo since makes it void (its step would end the redo history the user just made). The match shown and its line&apos;s text then, once an edit moved or removed it: where Replace looks for it again (:meth:`_found_again`). The row a first Next or Previous starts from (the window&apos;s current row).</extracomment>
        <translation>查找</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/find_bar.py" line="107"/>
        <source>Replace with</source>
        <translation>替换为</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/find_bar.py" line="108"/>
        <source>Match case</source>
        <translation>区分大小写</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/find_bar.py" line="109"/>
        <source>Whole word</source>
        <translation>全词匹配</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/find_bar.py" line="110"/>
        <source>Regex</source>
        <translation>正则表达式</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/find_bar.py" line="113"/>
        <source>Previous</source>
        <translation>上一个</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/find_bar.py" line="114"/>
        <source>Next</source>
        <translation>下一个</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/find_bar.py" line="115"/>
        <source>Replace</source>
        <translation>替换</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/find_bar.py" line="116"/>
        <source>Replace all</source>
        <translation>全部替换</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/find_bar.py" line="119"/>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/find_bar.py" line="207"/>
        <location filename="../../app/tingxie/ui/find_bar.py" line="231"/>
        <location filename="../../app/tingxie/ui/find_bar.py" line="408"/>
        <source>Replacing…</source>
        <translation>正在替换…</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/find_bar.py" line="216"/>
        <source>Invalid regex</source>
        <translation>正则表达式无效</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/find_bar.py" line="226"/>
        <source>{i} of {n}</source>
        <translation>第 {i} 个，共 {n} 个</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/find_bar.py" line="229"/>
        <source>Matches: {n}</source>
        <translation>匹配：{n} 处</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/find_bar.py" line="271"/>
        <location filename="../../app/tingxie/ui/find_bar.py" line="300"/>
        <location filename="../../app/tingxie/ui/find_bar.py" line="385"/>
        <source>Not found.</source>
        <translation>未找到。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/find_bar.py" line="314"/>
        <source>The replacement is not valid: {0}.</source>
        <translation>替换内容无效：{0}。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/find_bar.py" line="328"/>
        <location filename="../../app/tingxie/ui/find_bar.py" line="398"/>
        <location filename="../../app/tingxie/ui/find_bar.py" line="465"/>
        <source>No change.</source>
        <translation>没有变化。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/find_bar.py" line="356"/>
        <source>Each match was replaced once.</source>
        <translation>每处匹配都已替换一次。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/find_bar.py" line="428"/>
        <source>Replace all was called off: nothing was replaced.</source>
        <translation>已取消全部替换：没有替换任何内容。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/find_bar.py" line="443"/>
        <source>Replace all was not made: another transcript was opened meanwhile.</source>
        <translation>未执行全部替换：其间打开了另一份转写稿。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/find_bar.py" line="452"/>
        <source>Replace all was not made: a step was undone meanwhile. Press Replace all again to make it.</source>
        <translation>未执行全部替换：其间撤销了一步。请再次点击“全部替换”。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/find_bar.py" line="472"/>
        <source>Replaced: {n}</source>
        <translation>已替换：{n} 处</translation>
    </message>
</context>
<context>
    <name>LanguageComboBox</name>
    <message>
        <location filename="../../app/tingxie/ui/language_combo.py" line="91"/>
        <source>Auto-detect</source>
        <extracomment>Item data: the language code, or &quot;auto&quot;. Item data: what the search matches against (code, English name, native name, label).</extracomment>
        <translation>自动检测</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/language_combo.py" line="95"/>
        <source>Let the model recognise the language</source>
        <translation>由模型识别语言</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/language_combo.py" line="111"/>
        <source>Type to search…</source>
        <translation>输入以搜索…</translation>
    </message>
</context>
<context>
    <name>Languages</name>
    <message>
        <location filename="../../app/tingxie/ui/language_combo.py" line="20"/>
        <source>Chinese</source>
        <extracomment>The languages&apos; English names, for the translation tools (shown in the UI language).</extracomment>
        <translation>中文</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/language_combo.py" line="21"/>
        <source>English</source>
        <translation>英语</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/language_combo.py" line="22"/>
        <source>Cantonese</source>
        <translation>粤语</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/language_combo.py" line="23"/>
        <source>Arabic</source>
        <translation>阿拉伯语</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/language_combo.py" line="24"/>
        <source>Czech</source>
        <translation>捷克语</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/language_combo.py" line="25"/>
        <source>Danish</source>
        <translation>丹麦语</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/language_combo.py" line="26"/>
        <source>Dutch</source>
        <translation>荷兰语</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/language_combo.py" line="27"/>
        <source>Filipino</source>
        <translation>菲律宾语</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/language_combo.py" line="28"/>
        <source>Finnish</source>
        <translation>芬兰语</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/language_combo.py" line="29"/>
        <source>French</source>
        <translation>法语</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/language_combo.py" line="30"/>
        <source>German</source>
        <translation>德语</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/language_combo.py" line="31"/>
        <source>Greek</source>
        <translation>希腊语</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/language_combo.py" line="32"/>
        <source>Hindi</source>
        <translation>印地语</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/language_combo.py" line="33"/>
        <source>Hungarian</source>
        <translation>匈牙利语</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/language_combo.py" line="34"/>
        <source>Indonesian</source>
        <translation>印度尼西亚语</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/language_combo.py" line="35"/>
        <source>Italian</source>
        <translation>意大利语</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/language_combo.py" line="36"/>
        <source>Japanese</source>
        <translation>日语</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/language_combo.py" line="37"/>
        <source>Korean</source>
        <translation>韩语</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/language_combo.py" line="38"/>
        <source>Macedonian</source>
        <translation>马其顿语</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/language_combo.py" line="39"/>
        <source>Malay</source>
        <translation>马来语</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/language_combo.py" line="40"/>
        <source>Persian</source>
        <translation>波斯语</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/language_combo.py" line="41"/>
        <source>Polish</source>
        <translation>波兰语</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/language_combo.py" line="42"/>
        <source>Portuguese</source>
        <translation>葡萄牙语</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/language_combo.py" line="43"/>
        <source>Romanian</source>
        <translation>罗马尼亚语</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/language_combo.py" line="44"/>
        <source>Russian</source>
        <translation>俄语</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/language_combo.py" line="45"/>
        <source>Spanish</source>
        <translation>西班牙语</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/language_combo.py" line="46"/>
        <source>Swedish</source>
        <translation>瑞典语</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/language_combo.py" line="47"/>
        <source>Thai</source>
        <translation>泰语</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/language_combo.py" line="48"/>
        <source>Turkish</source>
        <translation>土耳其语</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/language_combo.py" line="49"/>
        <source>Vietnamese</source>
        <translation>越南语</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../app/tingxie/ui/main_window.py" line="160"/>
        <source>Transcription</source>
        <extracomment>A file finished opening (for tests and the status bar). An error dialog was shown: (title, message). Lines Transcribe &gt; Align words asked for that are still waiting, by id. The open Sync by two lines dialog (not modal: one at a time).</extracomment>
        <translation>转写</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/main_window.py" line="164"/>
        <source>Batch queue</source>
        <translation>批处理队列</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/main_window.py" line="168"/>
        <source>Speakers</source>
        <translation>说话人</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/main_window.py" line="170"/>
        <source>Subtitle check</source>
        <translation>字幕检查</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/main_window.py" line="287"/>
        <source>Opened the readable part only.</source>
        <translation>仅打开了可读取的部分。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/main_window.py" line="292"/>
        <source>Opened {name}</source>
        <translation>已打开 {name}</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/main_window.py" line="330"/>
        <source>Opened the project only: to replace its transcript, import the subtitles with File &gt; Import.</source>
        <translation>只打开了项目：如需替换其文字稿，请用“文件 &gt; 导入”导入字幕。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/main_window.py" line="343"/>
        <source>Subtitles and transcripts are not transcribed: drop one with its recording, or import it into the open recording.</source>
        <translation>字幕和文字稿不会被转写：请将其与录音一起拖入，或导入到已打开的录音中。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/main_window.py" line="348"/>
        <location filename="../../app/tingxie/ui/main_window.py" line="398"/>
        <source>Not opened</source>
        <translation>未打开</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/main_window.py" line="392"/>
        <source>Not opened: {names}. Subtitles and transcripts are not transcribed: open each with its recording, or import it into the open recording.</source>
        <translation>未打开：{names}。字幕和转写稿不会被转写：请与对应的录音一起打开，或导入到已打开的录音中。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/main_window.py" line="403"/>
        <source>Not opened: {names}. The window holds one project at a time, and a project is not transcribed again in the batch queue: open the next with File &gt; Open once you are done with {opened}.</source>
        <translation>未打开：{names}。窗口一次只打开一个项目，项目也不会在批量队列中重新转写：处理完 {opened} 后，请用“文件 &gt; 打开”打开下一个。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/main_window.py" line="417"/>
        <source>There are no lines to shift.</source>
        <translation>没有可平移的行。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/main_window.py" line="420"/>
        <location filename="../../app/tingxie/ui/main_window.py" line="426"/>
        <source>Wait for the transcription to finish, or cancel it, then shift the times.</source>
        <translation>请等待转写完成或取消后再平移时间。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/main_window.py" line="442"/>
        <source>A sync needs two lines.</source>
        <translation>同步需要两行。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/main_window.py" line="445"/>
        <location filename="../../app/tingxie/ui/main_window.py" line="455"/>
        <source>Wait for the transcription to finish, or cancel it, then sync the times.</source>
        <translation>请等待转写完成或取消它，然后再同步时间。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/main_window.py" line="473"/>
        <source>Open a recording first.</source>
        <translation>请先打开录音。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/main_window.py" line="484"/>
        <source>Every line already has aligned word times.</source>
        <translation>每一行都已有对齐的词时间。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/main_window.py" line="489"/>
        <source>Aligning words in the background (lines: {n})…</source>
        <translation>正在后台对齐词语（共 {n} 行）…</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/main_window.py" line="504"/>
        <source>Aligning words in the background (lines left: {n})…</source>
        <translation>正在后台对齐词语（剩余 {n} 行）…</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/main_window.py" line="507"/>
        <source>The words are aligned.</source>
        <translation>词语已对齐。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/main_window.py" line="519"/>
        <source>Word alignment stopped (lines left without word times: {n}). Transcribe &gt; Align words of lines without word times goes on with them.</source>
        <translation>词对齐已停止（仍无词时间的行：{n}）。“转写 &gt; 为没有词时间的行对齐词语”会接着处理它们。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/main_window.py" line="592"/>
        <source>Autosave failed: {problem}</source>
        <translation>自动保存失败：{problem}</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/main_window.py" line="597"/>
        <source>Autosave failed</source>
        <translation>自动保存失败</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/main_window.py" line="598"/>
        <source>{problem}

Your changes are not protected against a crash until this is fixed: save the project somewhere you may write (File &gt; Save as), or free some space.</source>
        <translation>{problem}

在解决此问题之前，您的修改不受崩溃保护：请将项目保存到可写入的位置（文件 &gt; 另存为），或释放一些空间。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/main_window.py" line="681"/>
        <source>A model download is running. Stop it and close? (What was downloaded is kept; the next download resumes.)</source>
        <translation>模型正在下载。要停止下载并关闭吗？（已下载的部分会保留，下次下载会继续。）</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/main_window.py" line="684"/>
        <source>A model download from ModelScope is running and cannot be stopped midway. Close once it has finished?</source>
        <translation>正在从 ModelScope 下载模型，中途无法停止。下载完成后关闭吗？</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/main_window.py" line="686"/>
        <source>Download running</source>
        <translation>正在下载</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/main_window.py" line="696"/>
        <source>Adapting running</source>
        <translation>正在适应训练</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/main_window.py" line="697"/>
        <source>Adapting is running. Stop it and close?</source>
        <translation>正在进行适应训练。要停止它并关闭吗？</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/main_window.py" line="701"/>
        <source>Stopping the adapting…</source>
        <translation>正在停止适应训练…</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/main_window.py" line="714"/>
        <source>Finishing Replace all…</source>
        <translation>正在完成全部替换…</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/main_window.py" line="719"/>
        <source>Finishing the save…</source>
        <translation>正在完成保存…</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/main_window.py" line="755"/>
        <source>Stopping…</source>
        <translation>正在停止…</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/main_window.py" line="764"/>
        <source>Stopping the download…</source>
        <translation>正在停止下载…</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/main_window.py" line="765"/>
        <source>Finishing the download…</source>
        <translation>正在完成下载…</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/main_window.py" line="773"/>
        <source>Finishing the word timings of your edits…</source>
        <translation>正在完成您所编辑内容的词时间…</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/main_window.py" line="642"/>
        <source>About Tingxie</source>
        <translation>关于 Tingxie</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/main_window.py" line="671"/>
        <source>Transcription running</source>
        <translation>转写正在进行</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/main_window.py" line="672"/>
        <source>A transcription is running. Stop it and close?</source>
        <translation>转写正在进行。是否停止并关闭？</translation>
    </message>
</context>
<context>
    <name>ModelPicker</name>
    <message>
        <location filename="../../app/tingxie/ui/model_picker.py" line="113"/>
        <source>Folder…</source>
        <extracomment>The user asked the running download to stop (whatever waited for it is off). The message shown for a model folder that is gone, to take back when it is there.</extracomment>
        <translation>文件夹…</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/model_picker.py" line="116"/>
        <source>Use a model already on disk (a folder with config.json and *.safetensors weights)</source>
        <translation>使用磁盘上已有的模型（包含 config.json 和 *.safetensors 权重的文件夹）</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/model_picker.py" line="120"/>
        <location filename="../../app/tingxie/ui/model_picker.py" line="506"/>
        <source>Download</source>
        <translation>下载</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/model_picker.py" line="125"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/model_picker.py" line="368"/>
        <source>Stop the download; the next one resumes it</source>
        <translation>停止下载；下次下载时将从中断处继续</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/model_picker.py" line="227"/>
        <source>{0} is not a Qwen3-ASR speech model.</source>
        <translation>{0} 不是 Qwen3-ASR 语音模型。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/model_picker.py" line="205"/>
        <source>The model folder {0} no longer exists: plug the disk back in or choose another model.</source>
        <translation>模型文件夹 {0} 已不存在：请重新接上磁盘，或选择其他模型。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/model_picker.py" line="240"/>
        <source>Cannot use this folder: {0}</source>
        <translation>无法使用此文件夹：{0}</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/model_picker.py" line="244"/>
        <source>{0} (folder)</source>
        <translation>{0}（文件夹）</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/model_picker.py" line="280"/>
        <source>{0} · {1} · {2}</source>
        <translation>{0} · {1} · {2}</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/model_picker.py" line="322"/>
        <source>Download the model?</source>
        <translation>下载模型？</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/model_picker.py" line="324"/>
        <source>{0} is not on this computer yet. Download it now ({1}) into {2}? The transcription starts when the download is done; Cancel under the model stops it.</source>
        <translation>这台电脑上还没有 {0}。现在下载（{1}）到 {2} 吗？下载完成后开始转写；模型下方的“取消”可停止下载。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/model_picker.py" line="369"/>
        <source>In this build a download from ModelScope cannot be stopped midway; it ends when every file is in.</source>
        <translation>此版本中从 ModelScope 下载无法中途停止；所有文件下载完毕后才会结束。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/model_picker.py" line="371"/>
        <source>Connecting…</source>
        <translation>正在连接…</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/model_picker.py" line="398"/>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/model_picker.py" line="406"/>
        <source>{0} of {1}</source>
        <translation>{0} / {1}</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/model_picker.py" line="409"/>
        <source>{0}/s</source>
        <translation>{0}/s</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/model_picker.py" line="411"/>
        <source>{0} left</source>
        <translation>剩余 {0}</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/model_picker.py" line="427"/>
        <source>Downloaded {0} to {1}, but {2} file(s) are unverified: the server gave no checksum for them ({3}). Use huggingface.co or a mirror you trust if in doubt.</source>
        <translation>已将 {0} 下载到 {1}，但有 {2} 个文件未经校验：服务器没有提供它们的校验和（{3}）。如有疑虑，请使用 huggingface.co 或您信任的镜像。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/model_picker.py" line="440"/>
        <source>Downloaded {0} to {1}</source>
        <translation>已将 {0} 下载到 {1}</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/model_picker.py" line="447"/>
        <source>Download cancelled. The files fetched so far are kept; Download resumes from them.</source>
        <translation>下载已取消。已下载的文件会保留，再次点击“下载”将从中断处继续。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/model_picker.py" line="456"/>
        <source>Download failed: {0}</source>
        <translation>下载失败：{0}</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/model_picker.py" line="472"/>
        <source>Choose a model folder</source>
        <translation>选择模型文件夹</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/model_picker.py" line="478"/>
        <source>downloaded</source>
        <translation>已下载</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/model_picker.py" line="480"/>
        <source>not downloaded</source>
        <translation>未下载</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/model_picker.py" line="482"/>
        <source>partial ({0})</source>
        <translation>部分下载（{0}）</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/model_picker.py" line="497"/>
        <source>Local folder: {0}</source>
        <translation>本地文件夹：{0}</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/model_picker.py" line="504"/>
        <source>Downloaded · {0}</source>
        <translation>已下载 · {0}</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/model_picker.py" line="511"/>
        <source>Partly downloaded: {0}</source>
        <translation>下载未完成：{0}</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/model_picker.py" line="513"/>
        <source>Resume download</source>
        <translation>继续下载</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/model_picker.py" line="516"/>
        <source>Not downloaded ({0}). {1}</source>
        <translation>未下载（{0}）。{1}</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/model_picker.py" line="518"/>
        <source>Download ({0})</source>
        <translation>下载（{0}）</translation>
    </message>
</context>
<context>
    <name>Models</name>
    <message>
        <location filename="../../app/tingxie/ui/model_picker.py" line="66"/>
        <source>default: fast, distilled from 1.7B, context biasing; runs well on CPU</source>
        <extracomment>What each registry model is good for, for the translation tools (asr/models.py words them).</extracomment>
        <translation>默认：速度快，由 1.7B 蒸馏而来，支持上下文提示；在 CPU 上运行良好</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/model_picker.py" line="68"/>
        <source>most accurate; noisy, accented or otherwise hard audio (wants a GPU)</source>
        <translation>最准确；适合嘈杂、有口音或其他难以识别的音频（需要 GPU）</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/model_picker.py" line="70"/>
        <source>word timings for a transcript (subtitles, click-to-seek)</source>
        <translation>为转写稿生成逐词时间（字幕、点击跳转）</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/model_picker.py" line="71"/>
        <source>custom repository</source>
        <translation>自定义仓库</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/model_picker.py" line="72"/>
        <source>local folder</source>
        <translation>本地文件夹</translation>
    </message>
</context>
<context>
    <name>Player</name>
    <message>
        <location filename="../../app/tingxie/ui/player.py" line="92"/>
        <source>No audio output device was found, so playback is off. Transcription still works.</source>
        <translation>未找到音频输出设备，因此无法播放。转写功能仍可使用。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/player.py" line="99"/>
        <source>Audio playback could not start (Qt&apos;s media backend is not available), so playback is off. Transcription still works.</source>
        <translation>音频播放无法启动（Qt 媒体后端不可用），因此无法播放。转写功能仍可使用。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/player.py" line="107"/>
        <source>the file could not be opened. Check that it still exists and that you can read it.</source>
        <translation>无法打开该文件。请检查它是否仍然存在以及您是否有读取权限。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/player.py" line="110"/>
        <source>the file is damaged or its format is not supported.</source>
        <translation>该文件已损坏或格式不受支持。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/player.py" line="112"/>
        <source>you do not have permission to read the file.</source>
        <translation>您没有读取该文件的权限。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/player.py" line="114"/>
        <source>the file could not be read over the network.</source>
        <translation>无法通过网络读取该文件。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/player.py" line="621"/>
        <source>the file</source>
        <extracomment>Whether the loaded file has a picture (a video track), once the backend knows.</extracomment>
        <translation>该文件</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/player.py" line="623"/>
        <source>Could not play “{name}”: {detail}</source>
        <translation>无法播放“{name}”：{detail}</translation>
    </message>
</context>
<context>
    <name>PresetEditor</name>
    <message>
        <location filename="../../app/tingxie/ui/presets.py" line="77"/>
        <source>off</source>
        <translation>关</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/presets.py" line="103"/>
        <source>Characters per line</source>
        <translation>每行字符数</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/presets.py" line="104"/>
        <source>Lines</source>
        <translation>行数</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/presets.py" line="105"/>
        <source>Characters per second</source>
        <translation>每秒字符数</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/presets.py" line="106"/>
        <source>Minimum duration (s)</source>
        <translation>最短时长（秒）</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/presets.py" line="107"/>
        <source>Maximum duration (s)</source>
        <translation>最长时长（秒）</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/presets.py" line="108"/>
        <source>Minimum gap (frames)</source>
        <translation>最小间隔（帧）</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/presets.py" line="109"/>
        <source>Frames per second</source>
        <translation>帧率（帧/秒）</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/presets.py" line="113"/>
        <source>Re-flow the text into subtitles</source>
        <translation>将文本重新排成字幕</translation>
    </message>
</context>
<context>
    <name>Presets</name>
    <message>
        <location filename="../../app/tingxie/ui/presets.py" line="29"/>
        <source>Auto (by the script)</source>
        <extracomment>Preset keys in the order the combos list them (&quot;custom&quot; is the user&apos;s own).</extracomment>
        <translation>自动（按文字）</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/presets.py" line="30"/>
        <source>Netflix-style (Latin scripts)</source>
        <translation>Netflix 风格（拉丁文字）</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/presets.py" line="31"/>
        <source>Chinese / CJK</source>
        <translation>中文 / 中日韩</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/presets.py" line="32"/>
        <source>Japanese</source>
        <translation>日语</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/presets.py" line="33"/>
        <source>Korean</source>
        <translation>韩语</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/presets.py" line="34"/>
        <source>As transcribed</source>
        <translation>按转写原样</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/presets.py" line="35"/>
        <source>Custom</source>
        <translation>自定义</translation>
    </message>
</context>
<context>
    <name>ProjectSaver</name>
    <message>
        <location filename="../../app/tingxie/ui/saving.py" line="67"/>
        <source>Changed on disk</source>
        <extracomment>How long a failed save&apos;s message (and a close waiting for the save) waits for the autosave written in its place, to say whether it holds the changes. A save has been written, or its write failed (the session then reads unsaved again, and the error is shown): :meth:`writing` may be false now. Saves written by this window still on the saver thread: until they are done the file on disk is (becoming) this window&apos;s own, not a change made elsewhere.</extracomment>
        <translation>磁盘上的文件已更改</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/saving.py" line="68"/>
        <source>{name} was changed on disk since it was opened here (by another Tingxie window or another program). Overwrite it with what is open here, or save this as another project?</source>
        <translation>{name} 在此处打开之后已在磁盘上被更改（被另一个 Tingxie 窗口或其他程序）。要用此处打开的内容覆盖它，还是另存为一个项目？</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/saving.py" line="71"/>
        <source>Overwrite</source>
        <translation>覆盖</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/saving.py" line="72"/>
        <source>Save as…</source>
        <translation>另存为…</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/saving.py" line="90"/>
        <source>Save project</source>
        <translation>保存项目</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/saving.py" line="91"/>
        <source>Tingxie projects (*.tingxie)</source>
        <translation>Tingxie 项目 (*.tingxie)</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/saving.py" line="208"/>
        <source>{problem}

Your changes are open only here (the autosave does not hold them): save them somewhere else now (File &gt; Save as).</source>
        <translation>{problem}

您的更改只在此处打开（自动保存中没有）：请立即保存到其他位置（文件 &gt; 另存为）。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/saving.py" line="212"/>
        <source>{problem}

Your changes are still open here and in the autosave.</source>
        <translation>{problem}

您的更改仍在此处打开，自动保存中也有。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/saving.py" line="218"/>
        <source>Could not save</source>
        <translation>无法保存</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/saving.py" line="215"/>
        <source>{problem}

Your changes are still open here and in the autosave: free some space or choose another folder (File &gt; Save as).</source>
        <translation>{problem}

您的修改仍在此窗口和自动保存中：请释放一些空间，或选择另一个文件夹（文件 &gt; 另存为）。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/saving.py" line="180"/>
        <source>Saved {name}</source>
        <translation>已保存 {name}</translation>
    </message>
</context>
<context>
    <name>QueueController</name>
    <message>
        <location filename="../../app/tingxie/ui/queue.py" line="348"/>
        <source>No recordings in {names}: no audio or video files in it or its subfolders.</source>
        <extracomment>Whether the queue is running; the window disables its own Transcribe while it is. Something the user should read (e.g. why Start did nothing). A file reached done, failed or cancelled.</extracomment>
        <translation>{names} 中没有录音：其中及其子文件夹里都没有音频或视频文件。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/queue.py" line="352"/>
        <source>Not searched to the end: {names}. A drop looks {depth} folders deep, at {entries} files and folders, and queues {recordings} recordings at most; drop the folders inside it one at a time for the rest.</source>
        <translation>未搜索完：{names}。一次拖放最多查找 {depth} 层文件夹、{entries} 个文件和文件夹，最多加入 {recordings} 个录音；其余的请把其中的文件夹逐个拖入。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/queue.py" line="393"/>
        <source>Not queued: {names}. A project already has its transcript, so the queue does not transcribe it again; open it with File &gt; Open.</source>
        <translation>未加入队列：{names}。项目已有转写稿，队列不会再次转写；请用“文件 &gt; 打开”打开它。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/queue.py" line="398"/>
        <source>Not queued: {names}. Subtitles and transcripts are not transcribed: import them into the open recording with File &gt; Import.</source>
        <translation>未加入队列：{names}。字幕和文字稿不会被转写：请用 文件 &gt; 导入 将其导入已打开的录音。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/queue.py" line="402"/>
        <source>Already done: {name} (Clear finished, then add it again to transcribe it again).</source>
        <translation>已完成：{name}（先清除已完成项，再重新加入即可再次转写）。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/queue.py" line="405"/>
        <source>Already done: {names} (Clear finished, then add them again to transcribe them again).</source>
        <translation>已完成：{names}（先清除已完成项，再重新加入即可再次转写）。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/queue.py" line="416"/>
        <source>{names} and {n} more</source>
        <translation>{names} 等另外 {n} 个</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/queue.py" line="426"/>
        <source>{name} is being transcribed: press Stop first, then remove it.</source>
        <translation>{name} 正在转写：请先按停止，再移除。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/queue.py" line="440"/>
        <source>No files are waiting. Add files to the queue first.</source>
        <translation>没有等待中的文件。请先将文件添加到队列。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/queue.py" line="443"/>
        <source>A transcription is already running. Start the queue when it has finished, or stop it first.</source>
        <translation>已有转写任务正在运行。请等其完成后再启动队列，或先将其停止。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/queue.py" line="509"/>
        <source>The queue stopped: another transcription is running.</source>
        <translation>队列已停止：另一个转写任务正在运行。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/queue.py" line="515"/>
        <source>The recording {problem} The part that could be read was transcribed.</source>
        <translation>录音{problem} 已转写可读取的部分。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/queue.py" line="552"/>
        <source>The transcript could not be saved: {problem}</source>
        <translation>无法保存转写稿：{problem}</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/queue.py" line="562"/>
        <source>{n} segments transcribed before it stopped are in {path}.</source>
        <translation>停止前转写的 {n} 个片段保存在 {path}。</translation>
    </message>
</context>
<context>
    <name>QueueModel</name>
    <message>
        <location filename="../../app/tingxie/ui/queue.py" line="194"/>
        <source>File</source>
        <extracomment>The job every file of a run gets (read once per Start). The saved project, once done. Why it failed, for the user. Where a stopped or failed file&apos;s partial transcript went, or why the project is not in the output folder. How far a dropped folder is searched: this many folder levels below it, this many files and folders looked at, this many recordings queued, at most; a drop of a whole drive holds the window up for a moment, not for minutes. Dropped folders with no recording in them or their subfolders. Dropped folders not searched to the end (too deep, too many files or recordings).</extracomment>
        <translation>文件</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/queue.py" line="194"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/queue.py" line="217"/>
        <source>waiting</source>
        <translation>等待中</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/queue.py" line="219"/>
        <source>decoding {percent}%</source>
        <translation>解码中 {percent}%</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/queue.py" line="221"/>
        <source>loading the model…</source>
        <translation>正在加载模型…</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/queue.py" line="223"/>
        <source>finding speech {percent}%</source>
        <translation>检测语音 {percent}%</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/queue.py" line="226"/>
        <source>transcribing {percent}%</source>
        <translation>转写中 {percent}%</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/queue.py" line="227"/>
        <source>transcribing {percent}% · ETA {eta}</source>
        <translation>转写中 {percent}% · 预计剩余 {eta}</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/queue.py" line="230"/>
        <source>saving…</source>
        <translation>正在保存…</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/queue.py" line="233"/>
        <source>done — 1 segment → {path}</source>
        <translation>完成 — 1 个片段 → {path}</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/queue.py" line="235"/>
        <source>done — {n} segments → {path}</source>
        <translation>完成 — {n} 个片段 → {path}</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/queue.py" line="238"/>
        <source>failed — {message}</source>
        <translation>失败 — {message}</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/queue.py" line="240"/>
        <source>cancelled</source>
        <translation>已取消</translation>
    </message>
</context>
<context>
    <name>QueuePanel</name>
    <message>
        <location filename="../../app/tingxie/ui/queue_panel.py" line="87"/>
        <source>Language for every file:</source>
        <translation>每个文件的语言：</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/queue_panel.py" line="90"/>
        <source>Add files…</source>
        <translation>添加文件…</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/queue_panel.py" line="91"/>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/queue_panel.py" line="92"/>
        <source>Clear finished</source>
        <translation>清除已完成</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/queue_panel.py" line="101"/>
        <source>Save projects beside each audio file</source>
        <translation>将项目保存在各音频文件所在的文件夹</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/queue_panel.py" line="102"/>
        <source>Save projects in this folder:</source>
        <translation>将项目保存到此文件夹：</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/queue_panel.py" line="105"/>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/queue_panel.py" line="114"/>
        <source>Start</source>
        <translation>开始</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/queue_panel.py" line="115"/>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/queue_panel.py" line="155"/>
        <source>Model {model} on {device}; context: {context}. Change these in the Transcription tab.</source>
        <translation>模型 {model}，设备 {device}；上下文：{context}。可在“转写”标签页中更改。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/queue_panel.py" line="157"/>
        <source>the fastest device</source>
        <translation>最快的设备</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/queue_panel.py" line="160"/>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/queue_panel.py" line="177"/>
        <source>Add files to the queue</source>
        <translation>将文件添加到队列</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/queue_panel.py" line="178"/>
        <source>Audio and video ({patterns});;All files (*)</source>
        <translation>音频和视频 ({patterns});;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/queue_panel.py" line="191"/>
        <source>Save projects in</source>
        <translation>选择项目保存位置</translation>
    </message>
</context>
<context>
    <name>ReviewControls</name>
    <message>
        <location filename="../../app/tingxie/ui/review.py" line="85"/>
        <source>Select a segment first.</source>
        <extracomment>The line following playback last came to, by id (rows move with edits); None between lines and in a new transcript.</extracomment>
        <translation>请先选择一个片段。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/review.py" line="93"/>
        <source>Go to</source>
        <translation>转到</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/review.py" line="94"/>
        <source>A time (1:02:03.5, 34:12 or seconds) or a line number (#42):</source>
        <translation>时间（1:02:03.5、34:12 或秒数）或行号（#42）：</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/review.py" line="113"/>
        <source>There are no lines yet.</source>
        <translation>还没有任何行。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/review.py" line="116"/>
        <source>There is no line {text}: the lines go from #1 to #{n}.</source>
        <translation>没有第 {text} 行：行号从 #1 到 #{n}。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/review.py" line="125"/>
        <source>Not a time or a line number: {text}</source>
        <translation>不是时间也不是行号：{text}</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/review.py" line="129"/>
        <source>Open a recording first.</source>
        <translation>请先打开录音。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/review.py" line="133"/>
        <source>The recording ends at {end}.</source>
        <translation>录音在 {end} 结束。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/review.py" line="144"/>
        <source>Tingxie</source>
        <translation>听写</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/review.py" line="152"/>
        <source>Rewind when playback resumes (seconds, 0 = off)</source>
        <translation>继续播放时回退的秒数（0 = 关闭）</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/review.py" line="158"/>
        <source>Tint below confidence (0–1)</source>
        <translation>置信度低于此值时标出（0–1）</translation>
    </message>
</context>
<context>
    <name>ServerSettings</name>
    <message>
        <location filename="../../app/tingxie/ui/server_box.py" line="62"/>
        <source>The address of an OpenAI-compatible server (vLLM)</source>
        <translation>兼容 OpenAI 接口的服务器（vLLM）的地址</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/server_box.py" line="65"/>
        <source>What the server serves</source>
        <translation>服务器提供的模型</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/server_box.py" line="67"/>
        <source>The served model; Test connection lists what the server offers</source>
        <translation>服务器上的模型；“测试连接”会列出服务器提供的模型</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/server_box.py" line="71"/>
        <source>None, or kept in the system keyring</source>
        <translation>无，或保存在系统钥匙串中</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/server_box.py" line="73"/>
        <source>Kept in the system keyring, never in the settings or a project</source>
        <translation>保存在系统钥匙串中，绝不写入设置或项目</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/server_box.py" line="76"/>
        <source>e.g. TINGXIE_API_KEY</source>
        <translation>例如 TINGXIE_API_KEY</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/server_box.py" line="78"/>
        <source>Or read the key from this environment variable</source>
        <translation>或从这个环境变量读取密钥</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/server_box.py" line="83"/>
        <source>Chunks sent at once, so the server can batch them</source>
        <translation>同时发送的片段数，便于服务器批量处理</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/server_box.py" line="87"/>
        <source> s</source>
        <translation> 秒</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/server_box.py" line="89"/>
        <source>How long the server may take to answer one chunk before the job stops with a message (a busy server with many in flight needs longer)</source>
        <translation>服务器回答一个片段最多可用的时间，超时后任务停止并给出说明（并发请求多的繁忙服务器需要更长时间）</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/server_box.py" line="92"/>
        <location filename="../../app/tingxie/ui/server_box.py" line="240"/>
        <source>Test connection</source>
        <translation>测试连接</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/server_box.py" line="102"/>
        <source>Address</source>
        <translation>地址</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/server_box.py" line="103"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/server_box.py" line="104"/>
        <source>API key</source>
        <translation>API 密钥</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/server_box.py" line="105"/>
        <source>Key variable</source>
        <translation>密钥变量</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/server_box.py" line="106"/>
        <source>In flight</source>
        <translation>并发请求</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/server_box.py" line="107"/>
        <source>Answer wait</source>
        <translation>回答等待</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/server_box.py" line="176"/>
        <source>The key is kept in the system keyring.</source>
        <translation>密钥已保存在系统钥匙串中。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/server_box.py" line="180"/>
        <source>This system has no keyring, so the key cannot be kept: put it in an environment variable and name it under Key variable.</source>
        <translation>此系统没有钥匙串，无法保存密钥：请将它放入环境变量，并在“密钥变量”中填写变量名。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/server_box.py" line="196"/>
        <source>Enter the server&apos;s address first.</source>
        <translation>请先输入服务器地址。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/server_box.py" line="206"/>
        <source>The environment variable {0} is not set.</source>
        <translation>环境变量 {0} 未设置。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/server_box.py" line="212"/>
        <source>The key typed above is not used: with a Key variable, jobs take the key from {0}. Clear the variable&apos;s name to use the typed key.</source>
        <translation>上面输入的密钥未被使用：填写了密钥变量时，任务从 {0} 读取密钥。清空变量名即可使用输入的密钥。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/server_box.py" line="223"/>
        <source>Cancel test</source>
        <translation>取消测试</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/server_box.py" line="224"/>
        <source>Connecting to {0}…</source>
        <translation>正在连接 {0}…</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/server_box.py" line="242"/>
        <source>Test cancelled.</source>
        <translation>测试已取消。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/server_box.py" line="248"/>
        <source>Cannot connect: {0}</source>
        <translation>无法连接：{0}</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/server_box.py" line="260"/>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/server_box.py" line="261"/>
        <source>Connected in {0} ms. Serves: {1}</source>
        <translation>连接用时 {0} 毫秒。提供的模型：{1}</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/server_box.py" line="305"/>
        <source>The address holds a user name or password (user:password@): it is refused and not saved. Remove it, and give the server&apos;s key as the API key.</source>
        <translation>地址中含有用户名或密码（user:password@）：该地址会被拒绝，也不会保存。请删除它，并把服务器的密钥填写为 API 密钥。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/server_box.py" line="309"/>
        <source>{0} is plain http: the audio and the API key travel unencrypted to that computer. Use https://, or a network you trust.</source>
        <translation>{0} 使用明文 http：音频和 API 密钥将未经加密发送到那台电脑。请使用 https://，或在可信的网络中使用。</translation>
    </message>
</context>
<context>
    <name>ShiftDialog</name>
    <message>
        <location filename="../../app/tingxie/ui/shift_dialog.py" line="38"/>
        <source>Shift times</source>
        <extracomment>What a shift moves: every line, the selected ones, or the current line and all after it.</extracomment>
        <translation>平移时间</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/shift_dialog.py" line="45"/>
        <source> s</source>
        <translation> 秒</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/shift_dialog.py" line="46"/>
        <source>Positive: later; negative: earlier</source>
        <translation>正数：推后；负数：提前</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/shift_dialog.py" line="48"/>
        <source>All lines</source>
        <translation>全部行</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/shift_dialog.py" line="49"/>
        <source>The selected lines ({n})</source>
        <translation>所选的行（{n}）</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/shift_dialog.py" line="50"/>
        <source>The current line and every line after it</source>
        <translation>当前行及其后所有行</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/shift_dialog.py" line="60"/>
        <source>Shift by:</source>
        <translation>平移：</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/shift_dialog.py" line="61"/>
        <source>Lines:</source>
        <translation>行：</translation>
    </message>
</context>
<context>
    <name>Shortcuts</name>
    <message>
        <location filename="../../app/tingxie/ui/shortcuts.py" line="34"/>
        <source>Give the segment speaker {n}</source>
        <extracomment>English text, marked for translation; may hold ``{n}`` (filled from ``number``). Other key sequences that do the same: what a keyboard really sends for a shifted key (Shift+= arrives as &quot;+&quot; on a US layout).</extracomment>
        <translation>将片段设为说话人 {n}</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/shortcuts.py" line="37"/>
        <source>Open media or a project</source>
        <translation>打开媒体文件或项目</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/shortcuts.py" line="38"/>
        <source>Import subtitles or a transcript into the open recording</source>
        <translation>将字幕或文字稿导入打开的录音</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/shortcuts.py" line="39"/>
        <source>Save the project</source>
        <translation>保存项目</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/shortcuts.py" line="40"/>
        <source>Save the project as…</source>
        <translation>项目另存为…</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/shortcuts.py" line="41"/>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/shortcuts.py" line="42"/>
        <source>Export again (same file and options)</source>
        <translation>再次导出（相同文件和选项）</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/shortcuts.py" line="43"/>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/shortcuts.py" line="44"/>
        <source>Play / pause</source>
        <translation>播放/暂停</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/shortcuts.py" line="45"/>
        <source>Rewind a few seconds</source>
        <translation>快退几秒</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/shortcuts.py" line="46"/>
        <source>Forward a few seconds</source>
        <translation>快进几秒</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/shortcuts.py" line="47"/>
        <source>Play slower</source>
        <translation>放慢播放</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/shortcuts.py" line="48"/>
        <source>Play faster</source>
        <translation>加快播放</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/shortcuts.py" line="49"/>
        <source>Go to a time or a line number</source>
        <translation>转到某个时间或行号</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/shortcuts.py" line="50"/>
        <source>Replay the current segment</source>
        <translation>重播当前片段</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/shortcuts.py" line="51"/>
        <source>Find and replace</source>
        <translation>查找和替换</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/shortcuts.py" line="52"/>
        <source>Split the segment at the cursor</source>
        <translation>在光标处拆分片段</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/shortcuts.py" line="53"/>
        <source>Merge with the next segment</source>
        <translation>与下一片段合并</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/shortcuts.py" line="54"/>
        <source>Merge with the previous segment</source>
        <translation>与上一片段合并</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/shortcuts.py" line="55"/>
        <source>Segment start 0.1 s earlier</source>
        <translation>片段开始提前 0.1 秒</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/shortcuts.py" line="56"/>
        <source>Segment start 0.1 s later</source>
        <translation>片段开始推后 0.1 秒</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/shortcuts.py" line="57"/>
        <source>Segment end 0.1 s earlier</source>
        <translation>片段结束提前 0.1 秒</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/shortcuts.py" line="58"/>
        <source>Segment end 0.1 s later</source>
        <translation>片段结束推后 0.1 秒</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/shortcuts.py" line="59"/>
        <source>Start the segment at the playhead</source>
        <translation>片段开始于播放头</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/shortcuts.py" line="60"/>
        <source>End the segment at the playhead</source>
        <translation>片段结束于播放头</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/shortcuts.py" line="61"/>
        <source>End the segment at the playhead, start the next one there and go to it</source>
        <translation>片段结束于播放头，下一片段从那里开始并转到它</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/shortcuts.py" line="62"/>
        <source>Shift the times of all, the selected or the following lines</source>
        <translation>平移全部、所选或其后各行的时间</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/shortcuts.py" line="63"/>
        <source>Insert a segment at the playhead</source>
        <translation>在播放头处插入片段</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/shortcuts.py" line="64"/>
        <source>Delete the segment</source>
        <translation>删除片段</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/shortcuts.py" line="65"/>
        <source>Go to the next uncertain segment</source>
        <translation>跳到下一个低置信度片段</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/shortcuts.py" line="66"/>
        <source>Review uncertain words one by one</source>
        <translation>逐个核对不确定的词</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/shortcuts.py" line="68"/>
        <source>Clear the segment&apos;s speaker</source>
        <translation>清除片段的说话人</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/shortcuts.py" line="69"/>
        <source>Zoom the waveform in</source>
        <translation>放大波形</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/shortcuts.py" line="71"/>
        <source>Zoom the waveform out</source>
        <translation>缩小波形</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/shortcuts.py" line="73"/>
        <source>Follow playback on/off</source>
        <translation>开启/关闭跟随播放</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/shortcuts.py" line="74"/>
        <source>Transcribe the whole file</source>
        <translation>转写整个文件</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/shortcuts.py" line="75"/>
        <source>Transcribe the selected range</source>
        <translation>转写所选范围</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/shortcuts.py" line="76"/>
        <source>Cancel the transcription (or the word alignment)</source>
        <translation>取消转写（或词对齐）</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/shortcuts.py" line="77"/>
        <source>Show the keyboard shortcuts</source>
        <translation>显示键盘快捷键</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/shortcuts.py" line="82"/>
        <source>Undo (the menu names the step)</source>
        <extracomment>Shortcuts Qt gives the standard actions (listed for completeness).</extracomment>
        <translation>撤销（菜单中显示该步骤名称）</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/shortcuts.py" line="83"/>
        <source>Redo (also Ctrl+Y on Windows)</source>
        <translation>重做（Windows 上也可用 Ctrl+Y）</translation>
    </message>
</context>
<context>
    <name>ShortcutsDialog</name>
    <message>
        <location filename="../../app/tingxie/ui/help.py" line="17"/>
        <source>Keyboard shortcuts</source>
        <translation>快捷键</translation>
    </message>
</context>
<context>
    <name>SpeakerPanel</name>
    <message>
        <location filename="../../app/tingxie/ui/speakers.py" line="48"/>
        <source>Add</source>
        <extracomment>&quot;Assign&quot; was pressed: the speaker&apos;s number in the list (1-based). A message for the status bar.</extracomment>
        <translation>添加</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/speakers.py" line="49"/>
        <source>Add a speaker</source>
        <translation>添加说话人</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/speakers.py" line="51"/>
        <source>Assign</source>
        <translation>指定</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/speakers.py" line="52"/>
        <source>Give the selected segments this speaker (or Ctrl+1…9)</source>
        <translation>将此说话人指定给所选片段（或按 Ctrl+1…9）</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/speakers.py" line="79"/>
        <source>Ctrl+{n}</source>
        <translation>Ctrl+{n}</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/speakers.py" line="98"/>
        <location filename="../../app/tingxie/ui/speakers.py" line="100"/>
        <source>Speaker {n}</source>
        <translation>说话人 {n}</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/speakers.py" line="112"/>
        <source>“{name}” is already the name of another speaker. Choose another name.</source>
        <translation>“{name}”已是另一位说话人的名字。请换一个名字。</translation>
    </message>
</context>
<context>
    <name>SubtitleCheck</name>
    <message>
        <location filename="../../app/tingxie/ui/subtitle_check.py" line="69"/>
        <source>overlap</source>
        <extracomment>Wait this long after the last edit before checking again (ms). The key of the project&apos;s view data that remembers the preset checked.</extracomment>
        <translation>重叠</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/subtitle_check.py" line="70"/>
        <source>outside the audio</source>
        <translation>超出音频范围</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/subtitle_check.py" line="71"/>
        <source>gap too short</source>
        <translation>间隔太短</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/subtitle_check.py" line="72"/>
        <source>too many lines</source>
        <translation>行数太多</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/subtitle_check.py" line="73"/>
        <source>line too long</source>
        <translation>行太长</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/subtitle_check.py" line="74"/>
        <source>word longer than a line</source>
        <translation>单词比一行还长</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/subtitle_check.py" line="75"/>
        <source>too short</source>
        <translation>太短</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/subtitle_check.py" line="76"/>
        <source>too long</source>
        <translation>太长</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/subtitle_check.py" line="77"/>
        <source>reading speed</source>
        <translation>阅读速度</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/subtitle_check.py" line="243"/>
        <source>Subtitles: no problems</source>
        <extracomment>A new result arrived (or the check was switched off). The preset key changed (``&quot;&quot;`` when off). Fix timing began working out the new times (``True``), or ended (``False``). Fix timing ended: its step was made, or the status bar says why not. Also lay out while the check is off (the video overlay wants the subtitles). Every change of the transcript counts (edits, undo, redo, lines transcribed): a plan of Fix timing is applied only where none came after it was started. The Fix timing being worked out (a token), if any.</extracomment>
        <translation>字幕：没有问题</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/subtitle_check.py" line="244"/>
        <source>Subtitles: {n} problems</source>
        <translation>字幕：{n} 个问题</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/subtitle_check.py" line="253"/>
        <source>{d:.2f} s</source>
        <translation>{d:.2f} 秒</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/subtitle_check.py" line="255"/>
        <source>{cps:.1f} cps · {chars} ch · {d:.2f} s</source>
        <translation>{cps:.1f} 字/秒 · {chars} 字 · {d:.2f} 秒</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/subtitle_check.py" line="290"/>
        <source>Fix timing: working…</source>
        <translation>修正时间：处理中…</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/subtitle_check.py" line="311"/>
        <source>Fix timing stopped: the preset changed.</source>
        <translation>修正时间已停止：预设已更改。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/subtitle_check.py" line="322"/>
        <source>The transcript changed while Fix timing worked: press it again.</source>
        <translation>修正时间处理期间文字稿有改动：请再按一次。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/subtitle_check.py" line="326"/>
        <source>Fix timing did not work: {error}</source>
        <translation>修正时间失败：{error}</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/subtitle_check.py" line="329"/>
        <source>Fix timing</source>
        <translation>修正时间</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/subtitle_check.py" line="336"/>
        <source>Fix timing: {a} lengthened, {b} gaps opened, {c} shortened.</source>
        <translation>修正时间：延长 {a} 条，拉开 {b} 处间隔，缩短 {c} 条。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/subtitle_check.py" line="340"/>
        <source>{n} still too short: the next line follows too closely, and a line starts at most 0.5 s before its speech (not earlier at all without word times: align the words, or shorten the text).</source>
        <translation>{n} 条仍然太短：下一行跟得太紧，而且一行最多只能比其语音早 0.5 秒开始（没有词时间时完全不能提前：请对齐词语，或缩短文字）。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/subtitle_check.py" line="345"/>
        <source>{n} left as they were: their new times would leave the subtitles with more problems.</source>
        <translation>{n} 条保持原样：新的时间会让字幕的问题更多。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/subtitle_check.py" line="360"/>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/subtitle_check.py" line="361"/>
        <source>Rule</source>
        <translation>规则</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/subtitle_check.py" line="362"/>
        <source>Text</source>
        <translation>文本</translation>
    </message>
</context>
<context>
    <name>SubtitleCheckPanel</name>
    <message>
        <location filename="../../app/tingxie/ui/subtitle_check.py" line="412"/>
        <source>Off</source>
        <translation>关</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/subtitle_check.py" line="417"/>
        <source>Fix timing</source>
        <translation>修正时间</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/subtitle_check.py" line="419"/>
        <source>Apply the preset&apos;s minimum and maximum duration and minimum gap, and lengthen short subtitles into the silence around them (one undoable step)</source>
        <translation>应用预设的最短和最长时长及最小间隔，并把过短的字幕延长到周围的静音中（一步可撤销）</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/subtitle_check.py" line="463"/>
        <source>Choose a preset to check the subtitles against.</source>
        <translation>选择一个预设来检查字幕。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/subtitle_check.py" line="466"/>
        <source>{n} subtitles, {v} problems ({preset}).</source>
        <translation>{n} 条字幕，{v} 个问题（{preset}）。</translation>
    </message>
</context>
<context>
    <name>SyncDialog</name>
    <message>
        <location filename="../../app/tingxie/ui/sync_dialog.py" line="74"/>
        <source>Sync by two lines</source>
        <extracomment>Frame rates whose ratio explains a drift (a release at one rate, a video at another). How near a scale must be to a ratio of two of them to name it. Characters of a line&apos;s text shown beside its number. The line picked, by id: it stays the same line while others come and go.</extracomment>
        <translation>按两行同步</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/sync_dialog.py" line="77"/>
        <source>First line:</source>
        <translation>第一行：</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/sync_dialog.py" line="78"/>
        <source>Second line:</source>
        <translation>第二行：</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/sync_dialog.py" line="82"/>
        <source>Sync</source>
        <translation>同步</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/sync_dialog.py" line="87"/>
        <source>Pick two lines far apart and say where each really starts: type the time, or play the recording and press At the playhead. Every line moves and stretches to fit both.</source>
        <translation>选两行相距较远的行，并说明每行真正开始的位置：输入时间，或播放录音后按“取播放头位置”。所有行都会移动并伸缩以同时符合这两处。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/sync_dialog.py" line="108"/>
        <source>At the playhead</source>
        <translation>取播放头位置</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/sync_dialog.py" line="112"/>
        <source>h:mm:ss.mmm, or m:ss, or seconds</source>
        <translation>h:mm:ss.mmm、m:ss 或秒数</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/sync_dialog.py" line="114"/>
        <source>should start at</source>
        <translation>应开始于</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/sync_dialog.py" line="166"/>
        <source>now {time}: {text}</source>
        <translation>现在 {time}：{text}</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/sync_dialog.py" line="170"/>
        <source>(the line was deleted)</source>
        <translation>（该行已删除）</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/sync_dialog.py" line="171"/>
        <source>A line picked was deleted: pick a line for each row again.</source>
        <translation>选定的一行已被删除：请为每一行重新选择。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/sync_dialog.py" line="188"/>
        <source>Line {n} would leave the recording, or shrink to nothing: pick other times, or delete the lines it has no audio for.</source>
        <translation>第 {n} 行会超出录音范围或缩短到没有：请选择别的时间，或删除没有对应音频的行。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/sync_dialog.py" line="177"/>
        <source>Type a time such as 0:01:02.500 for line {n}.</source>
        <translation>请为第 {n} 行输入时间，例如 0:01:02.500。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/sync_dialog.py" line="186"/>
        <source>Pick two different lines, the further apart the better.</source>
        <translation>请选择两行不同的行，相距越远越好。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/sync_dialog.py" line="187"/>
        <source>The later line must still start after the other one.</source>
        <translation>靠后的那一行必须仍在另一行之后开始。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/sync_dialog.py" line="205"/>
        <source>Both lines already start there: nothing moves.</source>
        <translation>两行都已从那里开始：不会有任何移动。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/sync_dialog.py" line="208"/>
        <source>Line {a} moves by {da:+.3f} s and line {b} by {db:+.3f} s; every length ×{scale:.5f}.</source>
        <translation>第 {a} 行移动 {da:+.3f} 秒，第 {b} 行移动 {db:+.3f} 秒；每段时长 ×{scale:.5f}。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/sync_dialog.py" line="215"/>
        <source>The recording&apos;s edges cut lines short (lines: {count}); line {n} loses {seconds:.3f} s.</source>
        <translation>录音的边界会截短一些行（行数：{count}）；第 {n} 行少了 {seconds:.3f} 秒。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/sync_dialog.py" line="220"/>
        <source>(As subtitles made for {made:g} fps played at {played:g} fps.)</source>
        <translation>（相当于为 {made:g} fps 制作的字幕在 {played:g} fps 下播放。）</translation>
    </message>
</context>
<context>
    <name>TranscriptDocument</name>
    <message>
        <location filename="../../app/tingxie/ui/transcript_model.py" line="253"/>
        <source>“{step}” cannot be undone now: the lines have changed since (a running transcription may have filled that time). It is taken off the undo history; the transcript stays as it is.</source>
        <extracomment>The lowest segment id this step may have made (set by TranscriptDocument). When the op is merged with later ones, when the last of them came (key repeat). Anything in the transcript changed (an edit, an undo, new segments). A running transcription added segments next to each other: (first row, count). They come at the end, or before a line the user inserted further on. The whole transcript was replaced (a project opened, a new transcription started). A message for the status bar: an undo or redo that could not be made (whole).</extracomment>
        <translation>现在无法撤销“{step}”：此后这些行已有变化（正在进行的转写可能已填满了那段时间）。该步骤已从撤销历史中移除；转写稿保持原样。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/transcript_model.py" line="257"/>
        <source>“{step}” cannot be redone now: the lines have changed since (a running transcription may have filled that time). It is taken off the redo history; the transcript stays as it is.</source>
        <translation>现在无法重做“{step}”：此后这些行已有变化（正在进行的转写可能已填满了那段时间）。该步骤已从重做历史中移除；转写稿保持原样。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/transcript_model.py" line="271"/>
        <source>“{step}”: the line went back shorter, into the time still free (a running transcription filled the rest). Check its timing by ear.</source>
        <translation>“{step}”：该行已放回仍空闲的时间内，比原来短（其余时间已被正在进行的转写填满）。请听音检查它的时间。</translation>
    </message>
</context>
<context>
    <name>TranscriptImporter</name>
    <message>
        <location filename="../../app/tingxie/ui/importing.py" line="48"/>
        <source>Subtitles and transcripts ({patterns});;All files (*)</source>
        <extracomment>What the import takes from a drop (a dropped project opens as a project). A file&apos;s transcript took the place of the old one (its path). Set when the window shuts down: a file still being read is not put in then.</extracomment>
        <translation>字幕和文字稿 ({patterns});;所有文件 (*)</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/importing.py" line="55"/>
        <source>Open the recording the subtitles belong to first, then import them: their times are read against its audio.</source>
        <translation>请先打开字幕所属的录音，再导入字幕：字幕的时间以该录音的音频为准。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/importing.py" line="58"/>
        <source>A transcription is writing into this transcript: wait for it to finish, or cancel it, then import.</source>
        <translation>正在向此文字稿写入转写结果：请等待其完成或取消后再导入。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/importing.py" line="66"/>
        <source>Nothing to import into</source>
        <translation>没有可导入的目标</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/importing.py" line="71"/>
        <source>Import subtitles or transcript</source>
        <translation>导入字幕或文字稿</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/importing.py" line="80"/>
        <location filename="../../app/tingxie/ui/importing.py" line="91"/>
        <location filename="../../app/tingxie/ui/importing.py" line="103"/>
        <location filename="../../app/tingxie/ui/importing.py" line="112"/>
        <location filename="../../app/tingxie/ui/importing.py" line="117"/>
        <location filename="../../app/tingxie/ui/importing.py" line="127"/>
        <source>Could not import {name}</source>
        <translation>无法导入 {name}</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/importing.py" line="84"/>
        <source>Reading {name}…</source>
        <translation>正在读取 {name}…</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/importing.py" line="113"/>
        <source>It has no lines with text. Nothing was changed.</source>
        <translation>文件中没有含文字的行。未作任何更改。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/importing.py" line="118"/>
        <source>Every line of it starts after the end of the audio ({end}): is it for another recording? Nothing was changed.</source>
        <translation>其中每一行都在音频结束（{end}）之后才开始：是否属于另一段录音？未作任何更改。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/importing.py" line="131"/>
        <source>Imported {name} (lines: {n}); Undo brings back the transcript before.</source>
        <translation>已导入 {name}（共 {n} 行）；撤销可恢复之前的文字稿。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/importing.py" line="135"/>
        <source>Read as {encoding} text, a guess: the file does not say its encoding. If letters look wrong, save it as UTF-8 in a text editor and import it again.</source>
        <translation>按 {encoding} 文本读取，这是猜测：文件未注明其编码。如果文字显示不对，请在文本编辑器中将其另存为 UTF-8 后重新导入。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/importing.py" line="144"/>
        <source>Lines that start after the end of the audio ({end}) were left out (lines: {n}); the first is at {first}: “{text}”. Are the subtitles for a longer version of this recording?</source>
        <translation>在音频结束（{end}）之后开始的行已略去（共 {n} 行）；第一行位于 {first}：“{text}”。这些字幕是否属于此录音的较长版本？</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/importing.py" line="139"/>
        <source>Read as {encoding} text.</source>
        <translation>按 {encoding} 编码读取。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/importing.py" line="143"/>
        <source>Imported {name}</source>
        <translation>已导入 {name}</translation>
    </message>
</context>
<context>
    <name>TranscriptTableModel</name>
    <message>
        <location filename="../../app/tingxie/ui/transcript_model.py" line="373"/>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/transcript_model.py" line="374"/>
        <source>Speaker</source>
        <translation>说话人</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/transcript_model.py" line="375"/>
        <source>Text</source>
        <translation>文本</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/transcript_model.py" line="376"/>
        <source>Check</source>
        <translation>检查</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/transcript_model.py" line="479"/>
        <source>Another speaker than the line before (a dialogue dash in the imported subtitles); set a speaker to name them</source>
        <extracomment>An edit or undo is about to rebuild the rows (rows came, went or were replaced): the view notes what is selected and being edited, by segment id (:meth:`shown_ids`). The rows were rebuilt: the view selects and edits those segments again. The Check column&apos;s data, ``check_cell(segment, role)`` (see ui/subtitle_check.py).</extracomment>
        <translation>与上一行不是同一说话人（导入字幕中的对话破折号）；设置说话人即可为其命名</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/transcript_model.py" line="483"/>
        <source>{lang}confidence {conf:.0%}</source>
        <translation>{lang}置信度 {conf:.0%}</translation>
    </message>
</context>
<context>
    <name>TranscriptionControls</name>
    <message>
        <location filename="../../app/tingxie/ui/controls.py" line="90"/>
        <source>22 Chinese dialects (Sichuanese, Shanghainese, Hokkien, Wu, Minnan…) are recognised automatically: choose Chinese or Auto-detect.</source>
        <translation>可自动识别 22 种汉语方言（四川话、上海话、福建话、吴语、闽南语…）：请选择“中文”或“自动检测”。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/controls.py" line="94"/>
        <source>Chinese dialects are recognised automatically.</source>
        <translation>可自动识别汉语方言。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/controls.py" line="107"/>
        <source>This computer</source>
        <translation>这台电脑</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/controls.py" line="108"/>
        <source>Server</source>
        <translation>服务器</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/controls.py" line="110"/>
        <source>Transcribe on an OpenAI-compatible server such as vLLM</source>
        <translation>在兼容 OpenAI 接口的服务器（如 vLLM）上转写</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/controls.py" line="120"/>
        <source>Automatic</source>
        <translation>自动</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/controls.py" line="122"/>
        <source>Chunks transcribed at once; Automatic times the first batches and keeps the largest size that is still faster, within the free memory</source>
        <translation>同时转写的音频块数；“自动”会为最初几批计时，在可用内存范围内保留仍能提速的最大批量</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/controls.py" line="129"/>
        <source>0 (greedy)</source>
        <translation>0（贪心）</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/controls.py" line="130"/>
        <source>0 always picks the likeliest words</source>
        <translation>为 0 时始终选择可能性最大的词</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/controls.py" line="131"/>
        <source>int8 weights on the CPU</source>
        <translation>在 CPU 上使用 int8 权重</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/controls.py" line="133"/>
        <source>Faster and smaller on a CPU, slightly less accurate; ignored on a GPU</source>
        <translation>在 CPU 上更快、占用更少，但准确度略低；在 GPU 上不起作用</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/controls.py" line="137"/>
        <source> s</source>
        <translation> 秒</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/controls.py" line="139"/>
        <source>Longest piece of audio sent to the model at once; pieces are cut at pauses</source>
        <translation>每次送入模型的最长音频块；在停顿处切分</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/controls.py" line="142"/>
        <source>Advanced</source>
        <translation>高级</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/controls.py" line="151"/>
        <source>Whole file</source>
        <translation>整个文件</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/controls.py" line="152"/>
        <source>Selected range</source>
        <translation>选定范围</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/controls.py" line="153"/>
        <source>Select a range on the waveform first</source>
        <translation>请先在波形上选择范围</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/controls.py" line="159"/>
        <source>Transcribe</source>
        <translation>转写</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/controls.py" line="161"/>
        <location filename="../../app/tingxie/ui/controls.py" line="492"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/controls.py" line="163"/>
        <source>Transcribe the rest</source>
        <translation>转写剩余部分</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/controls.py" line="165"/>
        <source>Continue from the end of the last segment to the end of the file</source>
        <translation>从最后一个片段的结尾继续转写到文件末尾</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/controls.py" line="179"/>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/controls.py" line="184"/>
        <source>Context</source>
        <translation>上下文</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/controls.py" line="188"/>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/controls.py" line="196"/>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/controls.py" line="202"/>
        <source>Batch size</source>
        <translation>批大小</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/controls.py" line="203"/>
        <source>Temperature</source>
        <translation>温度</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/controls.py" line="204"/>
        <source>Max chunk length</source>
        <translation>最大音频块长度</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/controls.py" line="391"/>
        <source>{0} is not available on this computer; Auto is used instead.</source>
        <translation>{0} 在本机上不可用，已改用“自动”。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/controls.py" line="485"/>
        <source>Open or drop a recording or video first</source>
        <translation>请先打开或拖入录音或视频</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/controls.py" line="512"/>
        <source>Loading the model…</source>
        <translation>正在加载模型…</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/controls.py" line="514"/>
        <source>Step 1 of 2: finding speech… {0}%</source>
        <translation>第 1 步，共 2 步：正在查找语音… {0}%</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/controls.py" line="516"/>
        <source>Step 2 of 2: transcribing… {0}%</source>
        <translation>第 2 步，共 2 步：正在转写… {0}%</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/controls.py" line="518"/>
        <source>Aligning words… {0}%</source>
        <translation>正在对齐字词… {0}%</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/controls.py" line="522"/>
        <source> · {0} left</source>
        <translation> · 剩余 {0}</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/controls.py" line="554"/>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
</context>
<context>
    <name>TransportBar</name>
    <message>
        <location filename="../../app/tingxie/ui/transport.py" line="25"/>
        <source>Play / pause (Ctrl+P)</source>
        <translation>播放/暂停（Ctrl+P）</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/transport.py" line="36"/>
        <source>Playback speed (pitch is preserved)</source>
        <translation>播放速度（保持音调不变）</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/transport.py" line="43"/>
        <location filename="../../app/tingxie/ui/transport.py" line="50"/>
        <source>Volume</source>
        <translation>音量</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/transport.py" line="48"/>
        <source>Speed</source>
        <translation>速度</translation>
    </message>
</context>
<context>
    <name>UndoLabels</name>
    <message>
        <location filename="../../app/tingxie/ui/transcript_model.py" line="70"/>
        <source>Edit text</source>
        <extracomment>Edits that never take a line out of the transcript (a split keeps the line it cut). QUndoCommand.id() of edits that may merge with the one before (see ``merge_key``). Seconds between two such edits for them to merge: a key&apos;s auto-repeat is ~30 ms apart after a first wait of ~0.3-0.6 s; separate presses are further apart. The undo steps&apos; names, as core&apos;s edits give them in English, marked for translation.</extracomment>
        <translation>编辑文字</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/transcript_model.py" line="71"/>
        <source>Align words</source>
        <translation>对齐词</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/transcript_model.py" line="72"/>
        <source>Review word</source>
        <translation>审阅词</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/transcript_model.py" line="73"/>
        <source>Replace word</source>
        <translation>替换词</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/transcript_model.py" line="74"/>
        <source>Split segment</source>
        <translation>拆分片段</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/transcript_model.py" line="75"/>
        <source>Merge segments</source>
        <translation>合并片段</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/transcript_model.py" line="76"/>
        <source>Change timing</source>
        <translation>更改时间</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/transcript_model.py" line="77"/>
        <source>Set speaker</source>
        <translation>设置说话人</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/transcript_model.py" line="78"/>
        <source>Add speaker</source>
        <translation>添加说话人</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/transcript_model.py" line="79"/>
        <source>Rename speaker</source>
        <translation>重命名说话人</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/transcript_model.py" line="80"/>
        <source>Insert segment</source>
        <translation>插入片段</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/transcript_model.py" line="81"/>
        <source>Delete segment</source>
        <translation>删除片段</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/transcript_model.py" line="82"/>
        <source>Replace</source>
        <translation>替换</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/transcript_model.py" line="83"/>
        <source>Re-transcribe range</source>
        <translation>重新转写范围</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/transcript_model.py" line="84"/>
        <source>Transcribe the whole file</source>
        <translation>转写整个文件</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/transcript_model.py" line="85"/>
        <source>Transcribe the rest</source>
        <translation>转写剩余部分</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/transcript_model.py" line="86"/>
        <source>Fix timing</source>
        <translation>修正时间</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/transcript_model.py" line="87"/>
        <source>Import transcript</source>
        <translation>导入文字稿</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/transcript_model.py" line="88"/>
        <source>Shift times</source>
        <translation>平移时间</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/transcript_model.py" line="89"/>
        <source>Sync by two lines</source>
        <translation>按两行同步</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/transcript_model.py" line="90"/>
        <location filename="../../app/tingxie/ui/transcript_model.py" line="99"/>
        <source>Replace {n} × “{find}”</source>
        <translation>替换 {n} 处“{find}”</translation>
    </message>
</context>
<context>
    <name>VideoPane</name>
    <message>
        <location filename="../../app/tingxie/ui/video_pane.py" line="47"/>
        <source>Video cannot be shown: Qt&apos;s media backend is not available. Playback of the sound and the rest of the window still work.</source>
        <extracomment>Files taken for video when the media backend cannot say (it is not available). Why no picture can be shown (&quot;&quot; when video works).</extracomment>
        <translation>无法显示视频：Qt 的媒体后端不可用。声音播放和窗口的其他功能仍可使用。</translation>
    </message>
</context>
<context>
    <name>WindowMenus</name>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="69"/>
        <source>The interface language changes when Tingxie is restarted.</source>
        <extracomment>The keys that play, seek and look at the recording: a window that lets playback go on while it is in front (Sync by two lines) takes these from the main window. Actions that need an audio output; off, with the reason, while there is none. (Rewind, forward and replay still move the playhead, and the speed is kept for later.)</extracomment>
        <translation>界面语言将在重新启动听写后生效。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="79"/>
        <source>Playback is off: no audio output</source>
        <translation>播放已关闭：没有音频输出设备</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="92"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="93"/>
        <source>&amp;Open…</source>
        <translation>打开(&amp;O)…</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="94"/>
        <source>Open &amp;recent</source>
        <translation>最近打开(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="96"/>
        <source>Audio &amp;track</source>
        <translation>音轨(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="98"/>
        <source>For files with several audio tracks</source>
        <translation>用于包含多条音轨的文件</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="100"/>
        <source>&amp;Import subtitles or transcript…</source>
        <translation>导入字幕或文字稿(&amp;I)…</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="103"/>
        <source>&amp;Save project</source>
        <translation>保存项目(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="104"/>
        <source>Save project &amp;as…</source>
        <translation>项目另存为(&amp;A)…</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="106"/>
        <source>&amp;Export…</source>
        <translation>导出(&amp;E)…</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="107"/>
        <source>Export a&amp;gain</source>
        <translation>再次导出(&amp;G)</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="109"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="112"/>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="113"/>
        <source>&amp;Undo</source>
        <translation>撤销(&amp;U)</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="119"/>
        <source>&amp;Redo</source>
        <translation>重做(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="132"/>
        <source>&amp;Find and replace…</source>
        <translation>查找和替换(&amp;F)…</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="134"/>
        <source>S&amp;plit at the cursor</source>
        <translation>在光标处拆分(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="135"/>
        <source>&amp;Merge with next</source>
        <translation>与下一片段合并(&amp;M)</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="136"/>
        <source>Merge with p&amp;revious</source>
        <translation>与上一片段合并(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="137"/>
        <source>&amp;Insert segment at the playhead</source>
        <translation>在播放头处插入片段(&amp;I)</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="139"/>
        <source>&amp;Delete segment</source>
        <translation>删除片段(&amp;D)</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="140"/>
        <source>&amp;Timing</source>
        <translation>时间(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="142"/>
        <source>Start 0.1 s earlier</source>
        <translation>开始提前 0.1 秒</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="143"/>
        <source>Start 0.1 s later</source>
        <translation>开始推后 0.1 秒</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="144"/>
        <source>End 0.1 s earlier</source>
        <translation>结束提前 0.1 秒</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="145"/>
        <source>End 0.1 s later</source>
        <translation>结束推后 0.1 秒</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="148"/>
        <source>Start at the &amp;playhead</source>
        <translation>开始于播放头(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="150"/>
        <source>&amp;End at the playhead</source>
        <translation>结束于播放头(&amp;E)</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="152"/>
        <source>End here, start the &amp;next line</source>
        <translation>在此结束，下一行在此开始(&amp;N)</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="155"/>
        <source>&amp;Shift times…</source>
        <translation>平移时间(&amp;S)…</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="156"/>
        <source>S&amp;ync by two lines…</source>
        <translation>按两行同步(&amp;Y)…</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="157"/>
        <source>S&amp;peaker</source>
        <translation>说话人(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="159"/>
        <source>Speaker {n}</source>
        <translation>说话人 {n}</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="161"/>
        <source>No speaker</source>
        <translation>无说话人</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="164"/>
        <source>Next &amp;uncertain segment</source>
        <translation>下一个不确定片段(&amp;U)</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="167"/>
        <source>Re&amp;view uncertain words</source>
        <translation>核对不确定的词(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="171"/>
        <source>&amp;Playback</source>
        <translation>播放(&amp;P)</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="176"/>
        <source>Play / pause</source>
        <translation>播放/暂停</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="177"/>
        <source>Rewind</source>
        <translation>快退</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="179"/>
        <source>Forward</source>
        <translation>快进</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="181"/>
        <source>Slower</source>
        <translation>减速</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="182"/>
        <source>Faster</source>
        <translation>加速</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="183"/>
        <source>Replay the segment</source>
        <translation>重播当前片段</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="184"/>
        <source>&amp;Go to…</source>
        <translation>转到(&amp;G)…</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="186"/>
        <source>Rewind step…</source>
        <translation>快退步长…</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="187"/>
        <source>Rewind and forward by (seconds)</source>
        <translation>快退和快进的秒数</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="188"/>
        <source>Rewind on resume…</source>
        <translation>继续播放时回退…</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="192"/>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="193"/>
        <source>Zoom in</source>
        <translation>放大</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="194"/>
        <source>Zoom out</source>
        <translation>缩小</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="195"/>
        <source>Follow playback</source>
        <translation>跟随播放</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="199"/>
        <source>Tint uncertain words</source>
        <translation>标出不确定的词</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="202"/>
        <source>Uncertainty threshold…</source>
        <translation>不确定阈值…</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="205"/>
        <source>Interface &amp;language</source>
        <translation>界面语言(&amp;L)</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="209"/>
        <source>As the system</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="222"/>
        <source>&amp;Subtitle check</source>
        <translation>字幕检查(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="227"/>
        <location filename="../../app/tingxie/ui/menus.py" line="228"/>
        <source>&amp;Transcribe</source>
        <translation>转写(&amp;T)</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="229"/>
        <source>Transcribe &amp;selection</source>
        <translation>转写选区(&amp;S)</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="231"/>
        <source>Transcribe the &amp;rest</source>
        <translation>转写剩余部分(&amp;R)</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="233"/>
        <source>&amp;Cancel transcription</source>
        <translation>取消转写(&amp;C)</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="235"/>
        <source>&amp;Align words of lines without word times</source>
        <translation>为没有词时间的行对齐词语(&amp;A)</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="239"/>
        <source>&amp;Model</source>
        <translation>模型(&amp;M)</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="240"/>
        <source>&amp;Adapt to my corrections…</source>
        <translation>适应我的校对(&amp;A)…</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="244"/>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="245"/>
        <source>&amp;Keyboard shortcuts</source>
        <translation>快捷键(&amp;K)</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/menus.py" line="246"/>
        <source>&amp;About Tingxie</source>
        <translation>关于 Tingxie(&amp;A)</translation>
    </message>
</context>
<context>
    <name>WordReview</name>
    <message>
        <location filename="../../app/tingxie/ui/word_review.py" line="206"/>
        <source>No doubtful word is left to review.</source>
        <extracomment>The pass moved to a word (segment id, word index); for tests and the status bar. The pass ended (no word left, or Esc). The text and start time of the word shown, to find it again after an edit. &quot;12 of 87 doubtful words reviewed&quot;, in the status bar while the pass runs.</extracomment>
        <translation>没有需要核对的存疑词了。</translation>
    </message>
    <message>
        <location filename="../../app/tingxie/ui/word_review.py" line="360"/>
        <source>{done} of {total} doubtful words reviewed</source>
        <translation>已核对 {done} / {total} 个存疑词</translation>
    </message>
</context>
</TS>
